import Foundation
import Kube

/// Reads a provider config mapping field by field, so a typo is an error instead of a silently ignored
/// key, and each bad value is one line naming its field (through `KubeConfig.describe`).
struct ConfigFields {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    let container: KeyedDecodingContainer<Key>

    /// Fails on a key that is neither `known` nor `ignored`.
    init(_ decoder: any Decoder, known: [String], ignored: [String] = []) throws {
        container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys where !known.contains(key.stringValue) && !ignored.contains(key.stringValue) {
            throw error(key.stringValue, "unknown field (known: \(known.joined(separator: ", ")))")
        }
    }

    func value<T: Decodable>(_ type: T.Type, _ name: String) throws -> T? {
        try container.decodeIfPresent(type, forKey: Key(name))
    }

    /// A Go duration string (`5s`, `1m30s`); never negative, since the parser takes no sign.
    func duration(_ name: String) throws -> Duration? {
        guard let text = try value(String.self, name) else { return nil }
        guard let duration = GoDuration.parse(text) else {
            throw error(name, "\"\(text)\" is not a duration such as 5s, 500ms or 1m30s")
        }
        return duration
    }

    /// A whole number in `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let number = try value(Int.self, name) else { return nil }
        guard range.contains(number) else {
            let expected = range.upperBound < Int.max ? "be from \(range.lowerBound) to \(range.upperBound)"
                : range.lowerBound == 0 ? "not be negative" : "be at least \(range.lowerBound)"
            throw error(name, "must \(expected), got \(number)")
        }
        return number
    }

    /// A fraction of all pods or containers: 0…1.
    func fraction(_ name: String) throws -> Double? {
        guard let number = try value(Double.self, name) else { return nil }
        guard (0...1).contains(number) else { throw error(name, "must be a fraction from 0 to 1, got \(number)") }
        return number
    }

    func error(_ name: String, _ message: String) -> DecodingError {
        DecodingError.dataCorruptedError(forKey: Key(name), in: container, debugDescription: message)
    }

    /// Reads a config file as `KubeConfig.decode` does (YAML or JSON; empty = `empty`); the error is one
    /// line naming the file and the field.
    static func load<T: Decodable>(_ type: T.Type, path: String, empty: T) throws(ProviderConfigError) -> T {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ProviderConfigError("\(path): cannot be read")
        }
        do {
            return try KubeConfig.decode(type, from: text, empty: empty)
        } catch {
            throw ProviderConfigError("\(path): \(KubeConfig.describe(error))")
        }
    }
}
