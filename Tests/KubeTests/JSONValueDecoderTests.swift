import Foundation
import Kube
import Testing

@Suite struct JSONValueDecoderTests {
    /// Every typed fixture object decodes from a parsed JSONValue exactly as Foundation decodes the bytes.
    @Test func decodesFixturesLikeFoundation() throws {
        for name in try ObjectFixtures.names(withSuffix: ".resp.json") {
            let data = try ObjectFixtures.data(name)
            let value = try JSONValue(parsing: Array(data))
            switch value["kind"]?.stringValue {
            case "Pod":
                #expect(try value.decode(Pod.self) == JSONDecoder().decode(Pod.self, from: data), "\(name)")
            case "Node":
                #expect(try value.decode(Node.self) == JSONDecoder().decode(Node.self, from: data), "\(name)")
            case "Lease":
                #expect(try value.decode(Lease.self) == JSONDecoder().decode(Lease.self, from: data), "\(name)")
            default:
                continue
            }
        }
    }

    struct Sample: Decodable, Equatable {
        var count: Int
        var ratio: Double
        var name: String?
        var flags: [Bool]
        var nested: [String: Int64]
    }

    @Test func primitivesOptionalsAndErrors() throws {
        let value = try JSONValue(parsing: #"{"count":3,"ratio":2,"flags":[true,false],"nested":{"a":1},"name":null}"#)
        #expect(try value.decode(Sample.self) == Sample(count: 3, ratio: 2, name: nil, flags: [true, false], nested: ["a": 1]))
        #expect(throws: DecodingError.self) { try JSONValue(parsing: #"{"count":"3","ratio":1,"flags":[],"nested":{}}"#).decode(Sample.self) }
        #expect(throws: DecodingError.self) { try JSONValue(parsing: #"{"ratio":1,"flags":[],"nested":{}}"#).decode(Sample.self) }
        #expect(throws: DecodingError.self) { try JSONValue(parsing: #"{"count":1.5,"ratio":1,"flags":[],"nested":{}}"#).decode(Sample.self) }
        #expect(try JSONValue.integer(7).decode(Int8.self) == 7)
        #expect(throws: DecodingError.self) { try JSONValue.integer(300).decode(Int8.self) }
        #expect(try JSONValue.integer(7).decode(UInt64.self) == 7)
        #expect(throws: DecodingError.self) { try JSONValue.integer(-1).decode(UInt64.self) }
        #expect(try JSONValue.double(4).decode(Int.self) == 4)
        #expect(try JSONValue.integer(4).decode(Float.self) == 4)
        #expect(try JSONValue.string("x").decode(JSONValue.self) == .string("x"))
        #expect(throws: DecodingError.self) { try JSONValue.null.decode(String.self) }
    }
}
