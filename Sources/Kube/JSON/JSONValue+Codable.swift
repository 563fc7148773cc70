import Foundation

/// Lets typed Codable structs embed opaque JSON (managedFields, RawExtension, unknown fields).
///
/// Key order survives only as far as the decoder reports it: Foundation's JSONDecoder hands keys
/// over unordered, so objects decoded through it lose their document order (equality is
/// unaffected). Parse with `JSONValue(parsing:)` when order matters.
extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: JSONCodingKey.self) {
            var entries: [(key: String, value: JSONValue)] = []
            entries.reserveCapacity(container.allKeys.count)
            for key in container.allKeys {
                entries.append((key.stringValue, try container.decode(JSONValue.self, forKey: key)))
            }
            self = .object(JSONObject(uniqueEntries: entries))
        } else if var container = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            if let count = container.count { elements.reserveCapacity(count) }
            while !container.isAtEnd { elements.append(try container.decode(JSONValue.self)) }
            self = .array(elements)
        } else {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let flag = try? container.decode(Bool.self) {
                self = .bool(flag)
            } else if let integer = try? container.decode(Int64.self) {
                self = .integer(integer)
            } else if let double = try? container.decode(Double.self) {
                self = .double(double)
            } else {
                self = .string(try container.decode(String.self))
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .integer(let integer):
            var container = encoder.singleValueContainer()
            try container.encode(integer)
        case .double(let double):
            var container = encoder.singleValueContainer()
            try container.encode(double)
        case .string(let string):
            var container = encoder.singleValueContainer()
            try container.encode(string)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case .object(let object):
            var container = encoder.container(keyedBy: JSONCodingKey.self)
            for (key, value) in object { try container.encode(value, forKey: JSONCodingKey(key)) }
        }
    }
}

extension JSONObject: Codable {
    public init(from decoder: any Decoder) throws {
        guard case .object(let object) = try JSONValue(from: decoder) else {
            throw DecodingError.typeMismatch(
                JSONObject.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a JSON object"))
        }
        self = object
    }

    public func encode(to encoder: any Encoder) throws { try JSONValue.object(self).encode(to: encoder) }
}

/// Any string as a coding key.
struct JSONCodingKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { stringValue = String(intValue) }
}

extension JSONValue {
    /// A typed value as a JSON document (see `JSONValueEncoder`; keys sorted for stable output).
    public init(encoding value: some Encodable) throws(KubeError) {
        do {
            self = try JSONValueEncoder().encode(value)
        } catch {
            throw .invalidRequest("encoding \(type(of: value)): \(error)")
        }
    }

    /// The typed value this document describes.
    public func decode<T: Decodable>(as type: T.Type) throws(KubeError) -> T {
        do { return try JSONValueDecoder().decode(T.self, from: self) } catch {
            throw .decoding("decoding \(T.self): \(error)")
        }
    }
}
