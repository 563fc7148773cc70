import Foundation
import Kube
import Testing

@Suite struct JSONValueEncoderTests {
    /// Every typed fixture object encodes to the same document as Foundation's encoder writes (a
    /// JSONValue inside, such as managedFields, keeps its own key order).
    @Test func encodesFixturesLikeFoundation() throws {
        let foundation = JSONEncoder()
        foundation.outputFormatting = .sortedKeys
        func expectSame<T: Codable>(_ type: T.Type, _ value: JSONValue, _ name: String) throws {
            let object = try value.decode(T.self)
            let expected = try JSONValue(parsing: Array(try foundation.encode(object)))
            let encoded = try JSONValueEncoder().encode(object)
            #expect(encoded == expected, "\(name)")
        }
        var checked = 0
        for name in try ObjectFixtures.names(withSuffix: ".resp.json") {
            let value = try JSONValue(parsing: Array(try ObjectFixtures.data(name)))
            switch value["kind"]?.stringValue {
            case "Pod": try expectSame(Pod.self, value, name)
            case "Node": try expectSame(Node.self, value, name)
            case "Lease": try expectSame(Lease.self, value, name)
            default: continue
            }
            checked += 1
        }
        #expect(checked > 5)
    }

    /// Hand-written encodings: nested and super encoders, nils, and a value that writes nothing.
    struct Custom: Encodable {
        func encode(to encoder: any Encoder) throws {
            var keyed = encoder.container(keyedBy: Key.self)
            try keyed.encode(3, forKey: .count)
            try keyed.encodeNil(forKey: .none)
            var nested = keyed.nestedContainer(keyedBy: Key.self, forKey: .inner)
            try nested.encode("x", forKey: .count)
            var list = keyed.nestedUnkeyedContainer(forKey: .list)
            try list.encode(true)
            try list.encodeNil()
            try list.encode(Empty())
            var listed = list.nestedContainer(keyedBy: Key.self)
            try listed.encode(1.5, forKey: .count)
            try Empty().encode(to: keyed.superEncoder(forKey: .empty))
            try keyed.encode(["b": 2, "a": 1], forKey: .map)
            try keyed.encode(4, forKey: .count)
            #expect(nested.codingPath.map(\.stringValue) == ["inner"])
            #expect(list.codingPath.map(\.stringValue) == ["list"])
        }
        enum Key: String, CodingKey { case count, none, inner, list, empty, map }
    }

    struct Empty: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    @Test func containersAsJSONEncoderWritesThem() throws {
        let encoded = try JSONValueEncoder().encode(Custom())
        #expect(encoded.text == #"{"count":4,"empty":{},"inner":{"count":"x"},"list":[true,null,{},{"count":1.5}],"map":{"a":1,"b":2},"none":null}"#)
        let foundation = JSONEncoder()
        foundation.outputFormatting = .sortedKeys
        #expect(encoded == (try JSONValue(parsing: Array(try foundation.encode(Custom())))))
        #expect(try JSONValueEncoder().encode([Optional(1), nil]) == [1, .null])
        #expect(try JSONValueEncoder().encode("text") == "text")
        #expect(try JSONValueEncoder().encode(Int8(-3)) == .integer(-3))
    }
}
