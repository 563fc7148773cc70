import Foundation
import Kube
import Loop

/// The recorded kube-apiserver 1.19 fixtures in /work/shared (`../shared` from the package root).
enum JSONTestFixtures {
    static let directory: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/fixtures/kube-apiserver-1.19")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func json(_ name: String) throws -> JSONValue {
        try JSONValue(parsing: bytes(name))
    }

    static func names(withSuffix suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(suffix) }.sorted()
    }
}

extension JSONValue {
    /// Test shorthand: parses JSON text that is known to be valid.
    static func json(_ text: String) -> JSONValue {
        do { return try JSONValue(parsing: text) } catch { fatalError("bad test JSON \(text): \(error)") }
    }

    /// The document without the fields the server maintains, which patches are not expected to reproduce.
    func withoutServerFields() -> JSONValue {
        var copy = self
        copy["metadata"]?["resourceVersion"] = nil
        copy["metadata"]?["managedFields"] = nil
        copy["metadata"]?["selfLink"] = nil
        return copy
    }
}

/// Deterministic pseudo-random documents for round-trip properties (SplitMix64).
struct JSONDocumentGenerator: RandomNumberGenerator {
    private var random: SplitMix64
    /// Merge patches cannot express a null object member; leave them out for those tests.
    var nullMembers = true

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { random.next() }

    mutating func scalar() -> JSONValue {
        switch Int.random(in: 0..<6, using: &self) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &self))
        case 2: return .integer(Int64.random(in: -1000...1000, using: &self))
        case 3: return .double(Double(Int.random(in: -100...100, using: &self)) / 8)
        default: return .string(["a", "b", "x/y", "t~0", "<&>", "é"].randomElement(using: &self)!)
        }
    }

    mutating func document(depth: Int = 3) -> JSONValue {
        guard depth > 0, Int.random(in: 0..<4, using: &self) > 0 else {
            var value = scalar()
            while !nullMembers && value.isNull { value = scalar() }
            return value
        }
        if Bool.random(using: &self) {
            return .array((0..<Int.random(in: 0..<5, using: &self)).map { _ in document(depth: depth - 1) })
        }
        var object = JSONObject()
        for _ in 0..<Int.random(in: 0..<5, using: &self) {
            object[["k", "name", "a/b", "m~n", "z", "q"].randomElement(using: &self)!] = document(depth: depth - 1)
        }
        return .object(object)
    }

    /// A variation of `value`: some members changed, removed or added; arrays grown or shrunk.
    mutating func mutate(_ value: JSONValue, depth: Int = 3) -> JSONValue {
        switch value {
        case .object(var object) where Int.random(in: 0..<5, using: &self) > 0:
            for key in object.keys {
                switch Int.random(in: 0..<4, using: &self) {
                case 0: object[key] = nil
                case 1: object[key] = mutate(object[key]!, depth: depth - 1)
                default: break
                }
            }
            if Bool.random(using: &self) { object["added\(Int.random(in: 0..<3, using: &self))"] = document(depth: depth - 1) }
            return .object(object)
        case .array(var elements) where Int.random(in: 0..<5, using: &self) > 0:
            elements = elements.map { Bool.random(using: &self) ? mutate($0, depth: depth - 1) : $0 }
            switch Int.random(in: 0..<3, using: &self) {
            case 0: elements += (0..<Int.random(in: 1..<4, using: &self)).map { _ in document(depth: depth - 1) }
            case 1: elements.removeLast(Int.random(in: 0...elements.count, using: &self))
            default: break
            }
            return .array(elements)
        default:
            return Bool.random(using: &self) ? value : document(depth: depth)
        }
    }
}
