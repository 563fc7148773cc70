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
