import Foundation
import Kube
import Testing

@Suite struct JSONParsingTests {
    @Test func parsesScalarsAndContainers() throws {
        #expect(try JSONValue(parsing: "null") == .null)
        #expect(try JSONValue(parsing: " true ") == .bool(true))
        #expect(try JSONValue(parsing: "false") == .bool(false))
        #expect(try JSONValue(parsing: "\"hi\"") == .string("hi"))
        #expect(try JSONValue(parsing: "[]") == .array([]))
        #expect(try JSONValue(parsing: "{}") == .object(JSONObject()))
        let value = try JSONValue(parsing: "{\"b\": [1, 2.5, \"x\", null, {\"c\": false}], \"a\": {}}")
        #expect(value == ["b": [1, 2.5, "x", nil, ["c": false]], "a": [:]])
        #expect(value.objectValue?.keys == ["b", "a"])
    }

    @Test func keepsKeyOrderAndLetsTheLastDuplicateWin() throws {
        let value = try JSONValue(parsing: #"{"z":1,"a":2,"m":3,"a":4}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m"])
        #expect(value["a"] == 4)
        // Big objects use a hash index for duplicates; same semantics.
        let keys = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let big = try JSONValue(parsing: "{\(keys),\"k3\":\"again\"}")
        #expect(big.objectValue?.count == 40)
        #expect(big["k3"] == "again")
        #expect(big.objectValue?.keys[3] == "k3")
    }

    @Test func decodesEscapesAndUnicode() throws {
        #expect(try JSONValue(parsing: #""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
        #expect(try JSONValue(parsing: #""\u00e9\u4e2d\uD83D\uDE00""#) == .string("é中😀"))
        #expect(try JSONValue(parsing: "\"é中😀\"") == .string("é中😀"))
        // Invalid UTF-8 becomes U+FFFD, as Go does.
        #expect(try JSONValue(parsing: [0x22, 0x61, 0xFF, 0x62, 0x22]) == .string("a\u{FFFD}b"))
    }

    @Test func parsesNumbers() throws {
        #expect(try JSONValue(parsing: "0") == .integer(0))
        #expect(try JSONValue(parsing: "-42") == .integer(-42))
        #expect(try JSONValue(parsing: "9223372036854775807") == .integer(.max))
        #expect(try JSONValue(parsing: "-9223372036854775808") == .integer(.min))
        // Beyond Int64: a double, like Go's float64.
        guard case .double(let big) = try JSONValue(parsing: "9223372036854775808") else { Issue.record("not a double"); return }
        #expect(big == 9_223_372_036_854_775_808.0)
        guard case .double(let huge) = try JSONValue(parsing: "-123456789012345678901234567890") else { Issue.record("not a double"); return }
        #expect(huge == -1.2345678901234568e29)
        #expect(try JSONValue(parsing: "1.5") == .double(1.5))
        #expect(try JSONValue(parsing: "-0.25e-2") == .double(-0.0025))
        #expect(try JSONValue(parsing: "1E3") == .double(1000))
        // Numbers compare by value whatever their spelling.
        #expect(try JSONValue(parsing: "1.0") == .integer(1))
        #expect(Set([JSONValue.integer(1), .double(1)]).count == 1)
        #expect(JSONValue.integer(1).int64Value == 1 && JSONValue.double(2).int64Value == 2 && JSONValue.double(2.5).int64Value == nil)
    }

    private func failure(_ text: String) -> JSONError? {
        do {
            _ = try JSONValue(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func reportsErrorsWithOffsets() {
        let cases: [(String, Int)] = [
            (#"{"a": [1, 2"#, 11),  // truncated
            (#"{"a": "x"#, 8),  // unterminated string
            (#""a\x""#, 2),  // bad escape
            ("{} x", 3),  // trailing garbage
            (#""\ud800""#, 1),  // lone high surrogate
            (#""\ud800\u0041""#, 1),  // high surrogate followed by a non-surrogate
            (#""\udc00x""#, 1),  // lone low surrogate
            (#""\u12g4""#, 5),  // bad hex digit
            ("\"a\nb\"", 2),  // raw control character
            ("[1,]", 3),
            (#"{"a" 1}"#, 5),
            ("{1: 2}", 1),
            ("01", 0),
            ("-", 1),
            ("1.", 2),
            ("1e+", 3),
            ("tru", 0),
            ("nul!", 3),
            ("", 0),
            ("   ", 3),
            ("1e400", 0),
        ]
        for (text, offset) in cases {
            let error = failure(text)
            #expect(error != nil, "accepted \(text)")
            #expect(error?.offset == offset, "\(text): \(error.map(String.init(describing:)) ?? "")")
        }
        #expect(failure(#"{"a": [1, 2"#)?.description.contains("byte 11") == true)
    }

    @Test func refusesNestingDeeperThanTheLimit() throws {
        let limit = JSONValue.maximumNestingDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        var value = try JSONValue(parsing: deepest)
        var depth = 0
        while case .array(let elements) = value, let first = elements.first {
            value = first
            depth += 1
        }
        #expect(depth == limit - 1)
        let tooDeep = "[" + deepest + "]"
        #expect(failure(tooDeep)?.message.contains("nesting") == true)
        let objects = String(repeating: "{\"a\":", count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)
        #expect(failure(objects)?.message.contains("nesting") == true)
        // Far deeper input fails fast instead of exhausting the stack.
        #expect(failure(String(repeating: "[", count: 1_000_000)) != nil)
    }

    @Test func acceptsAnyByteCollection() throws {
        let text = #"{"a":[1,"b"]}"#
        let expected: JSONValue = ["a": [1, "b"]]
        #expect(try JSONValue(parsing: Array(text.utf8)) == expected)
        #expect(try JSONValue(parsing: Data(text.utf8)) == expected)
        #expect(try JSONValue(parsing: text.utf8) == expected)
        // Not contiguous: goes through a copy.
        #expect(try JSONValue(parsing: text.utf8.reversed().reversed()) == expected)
    }

    @Test func accessorsAndPointers() throws {
        var value = JSONValue.json(#"{"metadata":{"labels":{"app":"web","a/b":"slash","m~n":"tilde"}},"items":[{"x":1},{"x":2}],"n":3}"#)
        #expect(value["metadata"]?["labels"]?["app"]?.stringValue == "web")
        #expect(value["items"]?[1]?["x"]?.int64Value == 2)
        #expect(value["items"]?[2] == nil && value["n"]?[0] == nil && value["n"]?["x"] == nil)
        #expect(value["n"]?.doubleValue == 3 && value["n"]?.stringValue == nil)
        #expect(value.value(at: "/metadata/labels/app") == "web")
        #expect(value.value(at: "/metadata/labels/a~1b") == "slash")
        #expect(value.value(at: "/metadata/labels/m~0n") == "tilde")
        #expect(value.value(at: "/items/0/x") == 1)
        #expect(value.value(at: "") == value)
        #expect(value.value(at: "/items/01") == nil)  // leading zero
        #expect(value.value(at: "/items/-") == nil)
        #expect(value.value(at: "/items/2") == nil)
        #expect(value.value(at: "metadata") == nil)  // no leading slash
        #expect(value.value(at: "/metadata/labels/m~2n") == nil)  // bad escape

        value["metadata"]?["labels"]?["app"] = "api"
        value["metadata"]?["labels"]?["a/b"] = nil
        value["n"]?["x"] = 1  // not an object: ignored
        value["new"] = ["k": true]
        #expect(value.value(at: "/metadata/labels") == ["app": "api", "m~n": "tilde"])
        #expect(value["n"] == 3)
        #expect(value["new"]?["k"]?.boolValue == true)
        var empty = JSONValue.null
        empty["a"] = 1  // null becomes an object
        #expect(empty == ["a": 1])
        #expect(JSONValue.null.isNull && !JSONValue.integer(0).isNull)
        #expect(JSONValue(floatLiteral: 0.5) == .double(0.5) && JSONValue(nilLiteral: ()) == .null)
    }

    @Test func codableRoundTripThroughFoundation() throws {
        struct Wrapper: Codable, Equatable {
            var name: String
            var raw: JSONValue
        }
        let raw = JSONValue.json(#"{"a":[1,2.5,"s",null,true,{"b":{}}],"c":-7}"#)
        let data = try JSONEncoder().encode(Wrapper(name: "x", raw: raw))
        let decoded = try JSONDecoder().decode(Wrapper.self, from: data)
        #expect(decoded == Wrapper(name: "x", raw: raw))
        #expect(try JSONDecoder().decode(JSONObject.self, from: Data(#"{"k":1}"#.utf8)) == ["k": 1])
    }

    @Test func pathsReadAndSetNestedMembers() {
        var value: JSONValue = ["spec": ["renewTime": "t", "n": 1], "kind": "Lease"]
        #expect(value.value(at: ["spec", "renewTime"]) == "t")
        #expect(value.value(at: ["spec", "missing", "deeper"]) == nil)
        #expect(value.value(at: []) == value)
        value.set("u", at: ["spec", "renewTime"])
        value.set("x", at: ["metadata", "uid"])
        #expect(value.text == #"{"spec":{"renewTime":"u","n":1},"kind":"Lease","metadata":{"uid":"x"}}"#)
        value.set(1, at: [])
        #expect(value == 1)
    }

    @Test func objectsAreEqualWhateverTheirKeyOrder() throws {
        let object = try JSONValue(parsing: #"{"a":1,"b":{"c":[1,2],"d":"x"},"e":null}"#)
        let copy = object
        #expect(copy == object)
        #expect(try JSONValue(parsing: #"{"a":1.0,"b":{"d":"x","c":[1,2]},"e":null}"#) == object)
        #expect(try JSONValue(parsing: #"{"e":null,"b":{"c":[1,2],"d":"x"},"a":1}"#) == object)
        #expect(try JSONValue(parsing: #"{"a":1,"b":{"c":[2,1],"d":"x"},"e":null}"#) != object)
        #expect(try JSONValue(parsing: #"{"a":1,"b":{"c":[1,2],"d":"x"},"f":null}"#) != object)
        #expect(try JSONValue(parsing: #"{"e":null,"a":1,"b":{"c":[1,2],"d":"y"}}"#) != object)
        var changed = copy
        changed["e"] = 0
        #expect(changed != object && copy == object)
        #expect(JSONValue.object([:]) == .object(JSONObject()))
    }
}
