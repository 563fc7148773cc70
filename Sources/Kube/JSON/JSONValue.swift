/// A JSON document as Kubernetes writes it: integers stay integers, floats stay floats, and object
/// keys keep their order, so an object read and written back unchanged is byte-for-byte the same
/// (modulo whitespace).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// A JSON object with its keys in document order. Lookups are linear: Kubernetes objects have few
/// keys per level, and order matters more than asymptotics here.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [(key: String, value: JSONValue)] = []

    public init() {}
    public init(_ entries: [(String, JSONValue)]) {
        for (key, value) in entries { self[key] = value }
    }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }
    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> { entries.makeIterator() }

    /// Setting nil removes the key; setting an existing key keeps its position.
    public subscript(key: String) -> JSONValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            let index = entries.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): entries[index].value = value
            case (let index?, nil): entries.remove(at: index)
            case (nil, let value?): entries.append((key, value))
            case (nil, nil): break
            }
        }
    }

    /// Objects are equal when they hold the same keys with equal values, in any order (as JSON says).
    public static func == (a: Self, b: Self) -> Bool {
        guard a.count == b.count else { return false }
        // Copies share their storage: the API server compares an object with itself on every write
        // that no admission webhook changed.
        let shared = a.entries.withUnsafeBufferPointer { x in b.entries.withUnsafeBufferPointer { x.baseAddress == $0.baseAddress } }
        if shared { return true }
        // Mostly the keys are in the same order: compare by position, and look a key up only when not.
        for (index, entry) in a.entries.enumerated() {
            let other = b.entries[index]
            guard other.key == entry.key ? other.value == entry.value : b[entry.key] == entry.value else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, to agree with ==.
        var combined = 0
        for (key, value) in entries {
            var entry = Hasher()
            entry.combine(key)
            entry.combine(value)
            combined ^= entry.finalize()
        }
        hasher.combine(count)
        hasher.combine(combined)
    }
}

// MARK: - Internal building blocks (here because `entries` has a file-private setter)

extension JSONObject {
    /// Trusts the caller that keys are unique: used by the parser and the patch engines, which
    /// dedupe themselves, to avoid the quadratic duplicate check of `init(_:)`.
    init(uniqueEntries: [(key: String, value: JSONValue)]) { entries = uniqueEntries }

    /// Mutates the value for `key` in place (nil when absent; leave nil to remove or not add) without
    /// copying it: the stored value is swapped out first so the callee holds the only reference.
    mutating func update<E: Error>(_ key: String, _ body: (inout JSONValue?) throws(E) -> Void) throws(E) {
        guard let index = entries.firstIndex(where: { $0.key == key }) else {
            var value: JSONValue? = nil
            try body(&value)
            if let value { entries.append((key, value)) }
            return
        }
        var value: JSONValue? = entries[index].value
        entries[index].value = .null
        defer {
            if let value { entries[index].value = value } else { entries.remove(at: index) }
        }
        try body(&value)
    }

    /// Removes the entries whose key matches, keeping the others in order.
    mutating func removeAll(where shouldRemove: (String) -> Bool) {
        entries.removeAll { shouldRemove($0.key) }
    }
}

// MARK: - Equality: numbers compare by value, as JSON (and Go) see them

extension JSONValue {
    /// `.integer(1) == .double(1.0)`: JSON has one number type, and a JSON patch `test` or a merge
    /// key must not depend on whether a writer printed `1` or `1.0`.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.integer(let x), .double(let y)), (.double(let y), .integer(let x)): return Int64(exactly: y) == x
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x == y
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(1); hasher.combine(value)
        case .integer(let value): hasher.combine(2); hasher.combine(value)
        case .double(let value):
            // Integral doubles hash like the equal integer, to agree with ==.
            if let integer = Int64(exactly: value) { hasher.combine(2); hasher.combine(integer) } else { hasher.combine(3); hasher.combine(value) }
        case .string(let value): hasher.combine(4); hasher.combine(value)
        case .array(let value): hasher.combine(5); hasher.combine(value)
        case .object(let value): hasher.combine(6); hasher.combine(value)
        }
    }
}

// MARK: - Accessors

extension JSONValue {
    /// The member `key` of an object (nil for absent keys and non-objects). Setting on `.null` turns
    /// it into an object (handy when building documents); setting on any other non-object does
    /// nothing. Setting nil removes the key.
    public subscript(key: String) -> JSONValue? {
        get {
            guard case .object(let object) = self else { return nil }
            return object[key]
        }
        set {
            switch self {
            case .object(var object):
                self = .null // drop our reference so `object` is uniquely referenced: no copy
                object[key] = newValue
                self = .object(object)
            case .null:
                if let newValue { self = .object(JSONObject(uniqueEntries: [(key, newValue)])) }
            default:
                break
            }
        }
    }

    /// The element at `index` of an array (nil when out of range or not an array).
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let array) = self, array.indices.contains(index) else { return nil }
        return array[index]
    }

    /// The member at `path` (object keys from the top); nil when a level is missing.
    public func value(at path: [String]) -> JSONValue? {
        path.reduce(Optional(self)) { $0?[$1] }
    }

    /// Sets the member at `path`, making the objects on the way; an empty path replaces the value.
    public mutating func set(_ newValue: JSONValue, at path: some Collection<String>) {
        guard let key = path.first else {
            self = newValue
            return
        }
        var child = self[key] ?? .null
        child.set(newValue, at: path.dropFirst())
        self[key] = child
    }

    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    public var objectValue: JSONObject? { if case .object(let value) = self { value } else { nil } }
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// Integers, and doubles that hold an integral value exactly (`2.0`).
    public var int64Value: Int64? {
        switch self {
        case .integer(let value): value
        case .double(let value): Int64(exactly: value)
        default: nil
        }
    }

    /// Any number (large integers may round).
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text.
    public var description: String { text }
}

// MARK: - Errors

/// A JSON document that could not be parsed; `offset` is the byte offset where parsing stopped.
public struct JSONError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let offset: Int?

    public init(_ message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset { "invalid JSON at byte \(offset): \(message)" } else { "invalid JSON: \(message)" }
    }
}
