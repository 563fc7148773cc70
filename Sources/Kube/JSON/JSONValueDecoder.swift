/// Decodes typed objects straight from a parsed `JSONValue`, without serializing and re-parsing:
/// several times faster than Foundation's JSONDecoder for objects already in memory (the control
/// plane's store, informer caches).
public struct JSONValueDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        if let direct = value as? T { return direct }
        return try T(from: ValueDecoder(value: value, codingPath: []))
    }
}

extension JSONValue {
    /// This value as a typed object (see `JSONValueDecoder`).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONValueDecoder().decode(type, from: self)
    }
}

private struct ValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw mismatch([String: JSONValue].self, value, codingPath) }
        return KeyedDecodingContainer(KeyedValues<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw mismatch([JSONValue].self, value, codingPath) }
        return UnkeyedValues(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValue(value: value, codingPath: codingPath) }
}

private func mismatch(_ type: Any.Type, _ value: JSONValue, _ path: [any CodingKey]) -> DecodingError {
    .typeMismatch(type, DecodingError.Context(codingPath: path, debugDescription: "expected \(type), found \(value.text.prefix(40))"))
}

/// Converts a scalar to the requested primitive, as JSONDecoder does (exact numbers only). The path
/// is built only for an error: most values decode, and an array per field is most of the cost.
private func primitive<T>(_ type: T.Type, _ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> T {
    switch value {
    case .string(let text) where T.self == String.self: return text as! T
    case .bool(let flag) where T.self == Bool.self: return flag as! T
    case .integer(let number) where T.self == Int.self: if let result = Int(exactly: number) { return result as! T }
    case .integer(let number) where T.self == Double.self: return Double(number) as! T
    case .double(let number) where T.self == Double.self: return number as! T
    case .integer(let number) where T.self == Float.self: return Float(number) as! T
    case .double(let number) where T.self == Float.self: return Float(number) as! T
    default: break
    }
    let integer: Int64? = switch value {
    case .integer(let number): number
    case .double(let number): Int64(exactly: number)
    default: nil
    }
    if let integer {
        switch type {
        case is Int.Type: if let result = Int(exactly: integer) { return result as! T }
        case is Int64.Type: return integer as! T
        case is Int32.Type: if let result = Int32(exactly: integer) { return result as! T }
        case is Int16.Type: if let result = Int16(exactly: integer) { return result as! T }
        case is Int8.Type: if let result = Int8(exactly: integer) { return result as! T }
        case is UInt.Type: if let result = UInt(exactly: integer) { return result as! T }
        case is UInt64.Type: if let result = UInt64(exactly: integer) { return result as! T }
        case is UInt32.Type: if let result = UInt32(exactly: integer) { return result as! T }
        case is UInt16.Type: if let result = UInt16(exactly: integer) { return result as! T }
        case is UInt8.Type: if let result = UInt8(exactly: integer) { return result as! T }
        default: break
        }
    }
    if case .null = value {
        throw DecodingError.valueNotFound(type, DecodingError.Context(codingPath: path(), debugDescription: "found null"))
    }
    throw mismatch(type, value, path())
}

/// The metatypes `primitive` converts, compared by identity (a dynamic `is` cast per value costs more).
private let primitiveTypes: [ObjectIdentifier] = [
    String.self, Bool.self, Double.self, Float.self, Int.self, Int64.self, Int32.self, Int16.self, Int8.self,
    UInt.self, UInt64.self, UInt32.self, UInt16.self, UInt8.self,
].map { ObjectIdentifier($0) }

private func decodeValue<T: Decodable>(_ type: T.Type, _ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> T {
    if T.self == JSONValue.self { return value as! T }
    if primitiveTypes.contains(ObjectIdentifier(T.self)) { return try primitive(type, value, path()) }
    return try T(from: ValueDecoder(value: value, codingPath: path()))
}

/// An array element's place in a coding path (shared with `JSONValueEncoder`).
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct KeyedValues<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let codingPath: [any CodingKey]

    var allKeys: [Key] { object.entries.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(codingPath: codingPath, debugDescription: "no value for \(key.stringValue)"))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key).isNull }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decodeValue(type, try member(key), codingPath + [key])
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = object[key.stringValue], !value.isNull else { return nil }
        return try decodeValue(type, value, codingPath + [key])
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try primitive(type, try member(key), codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try primitive(type, try member(key), codingPath + [key]) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try primitive(type, try member(key), codingPath + [key]) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try primitive(type, try member(key), codingPath + [key]) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try primitive(type, try member(key), codingPath + [key]) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try primitive(type, try member(key), codingPath + [key]) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try primitive(type, try member(key), codingPath + [key]) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try primitive(type, try member(key), codingPath + [key]) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try primitive(type, try member(key), codingPath + [key]) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try primitive(type, try member(key), codingPath + [key]) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try primitive(type, try member(key), codingPath + [key]) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try primitive(type, try member(key), codingPath + [key]) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try primitive(type, try member(key), codingPath + [key]) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try primitive(type, try member(key), codingPath + [key]) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: try member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: try member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { ValueDecoder(value: .object(object), codingPath: codingPath) }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: object[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

private struct UnkeyedValues: UnkeyedDecodingContainer {
    let items: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(items: [JSONValue], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next() throws -> (JSONValue, [any CodingKey]) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                JSONValue.self, DecodingError.Context(codingPath: codingPath, debugDescription: "unkeyed container is at end"))
        }
        defer { currentIndex += 1 }
        return (items[currentIndex], codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try next()
        return try decodeValue(type, value, path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, path) = try next()
        return try ValueDecoder(value: value, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, path) = try next()
        return try ValueDecoder(value: value, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try next()
        return ValueDecoder(value: value, codingPath: path)
    }
}

private struct SingleValue: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { value.isNull }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type, value, codingPath) }
}
