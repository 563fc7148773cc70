/// A large part of an object kept on the heap, copy-on-write: a copy of the object costs a retain
/// instead of the part's every field, a dictionary of objects holds a pointer per entry, and two
/// objects can share one part (`$spec = other.$spec`) — the informer's pods and the provider's
/// copies of them, or pods stamped from one template.
@propertyWrapper
public struct Indirect<Value: Sendable>: @unchecked Sendable {
    // @unchecked: a box is written only while this value holds the sole reference to it (the
    // setters below copy it first otherwise), so a box reachable from two threads is never written.
    private final class Box {
        var value: Value
        init(_ value: Value) { self.value = value }
    }

    private var box: Box

    public init(wrappedValue: Value) { box = Box(wrappedValue) }

    public var wrappedValue: Value {
        get { box.value }
        set {
            if isKnownUniquelyReferenced(&box) { box.value = newValue } else { box = Box(newValue) }
        }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.value) }
            yield &box.value
        }
    }

    /// The storage itself, so that another object can share it.
    public var projectedValue: Indirect {
        get { self }
        set { self = newValue }
    }

    /// Whether the two hold the very same storage.
    public func isShared(with other: Indirect) -> Bool { box === other.box }

    /// Whether nothing else holds this storage.
    public mutating func isUnshared() -> Bool { isKnownUniquelyReferenced(&box) }
}

extension Indirect: Equatable where Value: Equatable {
    public static func == (lhs: Indirect, rhs: Indirect) -> Bool {
        lhs.box === rhs.box || lhs.box.value == rhs.box.value
    }
}

/// `Indirect` for an optional part: nil holds no storage at all, so the many objects without the
/// part (pods without a status, container states that are not terminated) pay for a pointer only.
@propertyWrapper
public struct IndirectOptional<Wrapped: Sendable>: Sendable {
    private var storage: Indirect<Wrapped?>?

    public init(wrappedValue: Wrapped?) { storage = wrappedValue.map { Indirect(wrappedValue: $0) } }

    public var wrappedValue: Wrapped? {
        get { storage?.wrappedValue ?? nil }
        set {
            if newValue == nil {
                storage = nil
            } else if storage == nil {
                storage = Indirect(wrappedValue: newValue)
            } else {
                storage!.wrappedValue = newValue
            }
        }
        _modify {
            if storage == nil { storage = Indirect(wrappedValue: nil) }
            yield &storage!.wrappedValue
            if storage!.wrappedValue == nil { storage = nil }
        }
    }

    /// The storage itself, so that another object can share it.
    public var projectedValue: IndirectOptional {
        get { self }
        set { self = newValue }
    }

    /// Whether the two hold the very same storage, or both none.
    public func isShared(with other: IndirectOptional) -> Bool {
        switch (storage, other.storage) {
        case (nil, nil): true
        case (let mine?, let theirs?): mine.isShared(with: theirs)
        default: false
        }
    }

    /// Whether nothing else holds this storage (none is held by nothing else).
    public mutating func isUnshared() -> Bool { storage?.isUnshared() ?? true }
}

extension IndirectOptional: Equatable where Wrapped: Equatable {}
