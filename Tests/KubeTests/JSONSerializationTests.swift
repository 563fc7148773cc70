import Kube
import Testing

@Suite struct JSONSerializationTests {
    @Test func writesCompactJSONInStoredOrder() {
        let value: JSONValue = ["z": 1, "a": [true, false, nil, "s", [:], []], "m": ["x": -2]]
        #expect(value.text == #"{"z":1,"a":[true,false,null,"s",{},[]],"m":{"x":-2}}"#)
        #expect(String(decoding: value.serialized(), as: UTF8.self) == value.text)
        #expect(value.description == value.text)
    }

    @Test func escapesStringsLikeGo() {
        #expect(JSONValue.string("a\"b\\c/d").text == #""a\"b\\c/d""#)
        #expect(JSONValue.string("\n\r\t").text == #""\n\r\t""#)
        #expect(JSONValue.string("\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}").text == "\"\\u0000\\u0001\\u0008\\u000c\\u001f\u{7F}\"")
        #expect(JSONValue.string("<a href='x'>&</a>").text == #""\u003ca href='x'\u003e\u0026\u003c/a\u003e""#)
        #expect(JSONValue.string("line\u{2028}para\u{2029}end").text == #""line\u2028para\u2029end""#)
        #expect(JSONValue.string("é中😀\u{2027}").text == "\"é中😀\u{2027}\"")
        #expect(JSONValue.object(["<k>": 1]).text == #"{"\u003ck\u003e":1}"#)
    }

    @Test func writesIntegersAsIntegers() {
        #expect(JSONValue.integer(0).text == "0")
        #expect(JSONValue.integer(-15).text == "-15")
        #expect(JSONValue.integer(.max).text == "9223372036854775807")
        #expect(JSONValue.integer(.min).text == "-9223372036854775808")
    }

    @Test func writesDoublesLikeGo() {
        let cases: [(Double, String)] = [
            (1.5, "1.5"), (100, "100"), (-2.5, "-2.5"), (0.1, "0.1"), (0, "0"), (-0.0, "-0"),
            (123456789.125, "123456789.125"), (1e20, "100000000000000000000"), (1e21, "1e+21"),
            (1.5e300, "1.5e+300"), (1.7976931348623157e308, "1.7976931348623157e+308"),
            (1e-6, "0.000001"), (1.25e-6, "0.00000125"),
            // Go's encoding/json trims the exponent's leading zero: strconv's 1e-07 becomes 1e-7.
            (1e-7, "1e-7"), (-1.2345e-10, "-1.2345e-10"), (.leastNonzeroMagnitude, "5e-324"),
            (9007199254740992, "9007199254740992"), (0.30000000000000004, "0.30000000000000004"),
            (1e16, "10000000000000000"), (123.456e5, "12345600"),
        ]
        for (value, expected) in cases {
            #expect(JSONValue.double(value).text == expected, "\(value)")
            // And the text reads back as the same number.
            #expect((try? JSONValue(parsing: expected)) == .double(value), "\(expected)")
        }
        #expect(JSONValue.double(.nan).text == "null")
        #expect(JSONValue.double(.infinity).text == "null")
    }

    @Test func prettyPrintsWithTwoSpaces() {
        let value: JSONValue = ["a": [1, ["b": nil]], "c": [:], "d": []]
        let expected = """
            {
              "a": [
                1,
                {
                  "b": null
                }
              ],
              "c": {},
              "d": []
            }
            """
        #expect(String(decoding: value.prettySerialized(), as: UTF8.self) == expected)
        #expect(String(decoding: JSONValue.string("x").prettySerialized(), as: UTF8.self) == "\"x\"")
    }

    @Test func roundTripsThroughText() throws {
        let value: JSONValue = ["s": "tab\t<quote\">\u{2028}😀", "n": [0, -1, 1.5, 1e-9, 1e300], "o": ["": [[]]]]
        #expect(try JSONValue(parsing: value.serialized()) == value)
        #expect(try JSONValue(parsing: value.prettySerialized()) == value)
    }
}
