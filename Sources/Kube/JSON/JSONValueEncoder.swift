/// Encodes typed objects straight to a `JSONValue`, the mirror of `JSONValueDecoder`: no bytes are
/// written and parsed back, which halves what building a patch or comparing two objects costs.
/// Object keys come out sorted, as JSONEncoder's `.sortedKeys` writes them, so a dictionary encodes
/// the same every time.
public struct JSONValueEncoder: Sendable {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try encodeValue(value, parent: nil, key: nil).materialized()
    }
}

/// What an encoder or container has written so far. Containers are classes because Encodable hands
/// a container out and keeps writing into it after the call that created it returned.
private enum Slot {
    case value(JSONValue)
    case object(ObjectNode)
    case array(ArrayNode)

    func materialized() -> JSONValue {
        switch self {
        case .value(let value): value
        case .object(let node): node.materialized()
        case .array(let node): .array(node.items.map { $0.materialized() })
        }
    }
}

private final class ObjectNode {
    var entries: [(key: String, value: Slot)] = []

    /// A key written twice keeps the last value, as JSONEncoder does.
    func set(_ key: String, _ value: Slot) {
        if let index = entries.firstIndex(where: { $0.key == key }) { entries[index].value = value } else { entries.append((key, value)) }
    }

    func materialized() -> JSONValue {
        let sorted = entries.sorted { $0.key < $1.key }
        return .object(JSONObject(uniqueEntries: sorted.map { ($0.key, $0.value.materialized()) }))
    }
}

private final class ArrayNode {
    var items: [Slot] = []
}

/// Primitives become scalars without an encoder of their own; anything else encodes itself. The
/// metatype tests let the casts compile to nothing where a dynamic cast would cost per value.
private func encodeValue<T: Encodable>(_ value: T, parent: ValueEncoder?, key: (any CodingKey)?) throws -> Slot {
    if T.self == JSONValue.self { return .value(unsafeBitCast(value, to: JSONValue.self)) }
    if T.self == String.self { return .value(.string(unsafeBitCast(value, to: String.self))) }
    if T.self == Bool.self { return .value(.bool(unsafeBitCast(value, to: Bool.self))) }
    if T.self == Int.self { return .value(.integer(Int64(unsafeBitCast(value, to: Int.self)))) }
    if T.self == Int64.self { return .value(.integer(unsafeBitCast(value, to: Int64.self))) }
    if T.self == Double.self { return .value(.double(unsafeBitCast(value, to: Double.self))) }
    if rareScalars.contains(ObjectIdentifier(T.self)), let scalar = otherScalar(value) { return .value(scalar) }
    let encoder = ValueEncoder(parent: parent, key: key)
    try value.encode(to: encoder)
    // A value that wrote nothing encodes as an empty object, as JSONEncoder's does.
    return encoder.slot ?? .object(ObjectNode())
}

/// The metatypes `otherScalar` converts, compared by identity first: its dynamic casts would
/// otherwise run for every struct encoded.
private let rareScalars: Set<ObjectIdentifier> = [
    Int8.self, Int16.self, Int32.self, UInt8.self, UInt16.self, UInt32.self, UInt.self, UInt64.self, Float.self,
].map { ObjectIdentifier($0) }.reduce(into: []) { $0.insert($1) }

/// The rarer primitives. Without this, the containers' default methods for them would call the
/// generic `encode` again, which would ask the primitive to encode itself, forever.
private func otherScalar<T>(_ value: T) -> JSONValue? {
    switch value {
    case let number as Int8: .integer(Int64(number))
    case let number as Int16: .integer(Int64(number))
    case let number as Int32: .integer(Int64(number))
    case let number as UInt8: .integer(Int64(number))
    case let number as UInt16: .integer(Int64(number))
    case let number as UInt32: .integer(Int64(number))
    case let number as UInt: Int64(exactly: number).map { .integer($0) } ?? .double(Double(number))
    case let number as UInt64: Int64(exactly: number).map { .integer($0) } ?? .double(Double(number))
    // Through its shortest text, so 0.1 stays 0.1 and does not widen to 0.10000000149011612.
    case let number as Float: .double(Double(String(describing: number)) ?? Double(number))
    default: nil
    }
}

/// The coding path is kept as a parent link and built only when asked for: encoding a pod makes
/// hundreds of encoders, and almost nothing reads their paths.
private final class ValueEncoder: Encoder {
    private let parent: ValueEncoder?
    private let key: (any CodingKey)?
    var slot: Slot?

    init(parent: ValueEncoder?, key: (any CodingKey)?) {
        self.parent = parent
        self.key = key
    }

    var codingPath: [any CodingKey] {
        var path = parent?.codingPath ?? []
        if let key { path.append(key) }
        return path
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let node: ObjectNode
        if case .object(let existing) = slot { node = existing } else {
            node = ObjectNode()
            slot = .object(node)
        }
        return KeyedEncodingContainer(KeyedSlots<Key>(node: node, encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let node: ArrayNode
        if case .array(let existing) = slot { node = existing } else {
            node = ArrayNode()
            slot = .array(node)
        }
        return UnkeyedSlots(node: node, encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleSlot(encoder: self) }
}

private struct KeyedSlots<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: ObjectNode
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil(forKey key: Key) { node.set(key.stringValue, .value(.null)) }
    mutating func encode(_ value: Bool, forKey key: Key) { node.set(key.stringValue, .value(.bool(value))) }
    mutating func encode(_ value: String, forKey key: Key) { node.set(key.stringValue, .value(.string(value))) }
    mutating func encode(_ value: Double, forKey key: Key) { node.set(key.stringValue, .value(.double(value))) }
    mutating func encode(_ value: Int, forKey key: Key) { node.set(key.stringValue, .value(.integer(Int64(value)))) }
    mutating func encode(_ value: Int64, forKey key: Key) { node.set(key.stringValue, .value(.integer(value))) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        node.set(key.stringValue, try encodeValue(value, parent: encoder, key: key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = ValueEncoder(parent: encoder, key: key)
        let container = nested.container(keyedBy: keyType)
        node.set(key.stringValue, nested.slot!)
        return container
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = ValueEncoder(parent: encoder, key: key)
        let container = nested.unkeyedContainer()
        node.set(key.stringValue, nested.slot!)
        return container
    }

    mutating func superEncoder() -> any Encoder {
        ChildEncoder(parent: encoder, key: SuperKey()) { [node] in node.set("super", $0) }
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        ChildEncoder(parent: encoder, key: key) { [node] in node.set(key.stringValue, $0) }
    }
}

private struct UnkeyedSlots: UnkeyedEncodingContainer {
    let node: ArrayNode
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { node.items.count }

    mutating func encodeNil() { node.items.append(.value(.null)) }
    mutating func encode(_ value: Bool) { node.items.append(.value(.bool(value))) }
    mutating func encode(_ value: String) { node.items.append(.value(.string(value))) }
    mutating func encode(_ value: Double) { node.items.append(.value(.double(value))) }
    mutating func encode(_ value: Int) { node.items.append(.value(.integer(Int64(value)))) }
    mutating func encode(_ value: Int64) { node.items.append(.value(.integer(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        node.items.append(try encodeValue(value, parent: encoder, key: IndexKey(node.items.count)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = ValueEncoder(parent: encoder, key: IndexKey(node.items.count))
        let container = nested.container(keyedBy: keyType)
        node.items.append(nested.slot!)
        return container
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = ValueEncoder(parent: encoder, key: IndexKey(node.items.count))
        let container = nested.unkeyedContainer()
        node.items.append(nested.slot!)
        return container
    }

    mutating func superEncoder() -> any Encoder {
        let index = node.items.count
        node.items.append(.value(.null))
        return ChildEncoder(parent: encoder, key: IndexKey(index)) { [node] in node.items[index] = $0 }
    }
}

private struct SingleSlot: SingleValueEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() { encoder.slot = .value(.null) }
    mutating func encode(_ value: Bool) { encoder.slot = .value(.bool(value)) }
    mutating func encode(_ value: String) { encoder.slot = .value(.string(value)) }
    mutating func encode(_ value: Double) { encoder.slot = .value(.double(value)) }
    mutating func encode(_ value: Int) { encoder.slot = .value(.integer(Int64(value))) }
    mutating func encode(_ value: Int64) { encoder.slot = .value(.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { encoder.slot = try encodeValue(value, parent: encoder, key: nil) }
}

private struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}

/// A super encoder: what it writes lands in its parent's container when it is released, as with
/// JSONEncoder's reference encoder.
private final class ChildEncoder: Encoder {
    private let inner: ValueEncoder
    private let store: (Slot) -> Void
    var codingPath: [any CodingKey] { inner.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(parent: ValueEncoder, key: any CodingKey, store: @escaping (Slot) -> Void) {
        inner = ValueEncoder(parent: parent, key: key)
        self.store = store
    }

    deinit { store(inner.slot ?? .object(ObjectNode())) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { inner.container(keyedBy: type) }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { inner.unkeyedContainer() }
    func singleValueContainer() -> any SingleValueEncodingContainer { inner.singleValueContainer() }
}
