import Foundation
import Kube
import Testing

@Suite struct QuantityTests {
    /// Input, Kubernetes' `String()`, format — derived from the parsing and canonicalisation rules.
    static let canonical: [(String, String, Quantity.Format)] = [
        // Texts Kubernetes keeps as they were written.
        ("100m", "100m", .decimalSI), ("1Gi", "1Gi", .binarySI), ("1e3", "1e3", .decimalExponent),
        ("1E-3", "1E-3", .decimalExponent), ("+1", "+1", .decimalSI), ("-2Ki", "-2Ki", .binarySI),
        ("100M", "100M", .decimalSI), ("1001k", "1001k", .decimalSI), ("10e3", "10e3", .decimalExponent),
        ("1E", "1E", .decimalSI), ("12e6", "12e6", .decimalExponent), ("5Gi", "5Gi", .binarySI),
        ("1024", "1024", .decimalSI), ("1.", "1.", .decimalSI),
        // Rewritten: trailing zero groups move into the suffix, fractions into a smaller suffix.
        ("0.5", "500m", .decimalSI), ("1.5G", "1500M", .decimalSI), ("1000m", "1", .decimalSI),
        ("1000k", "1M", .decimalSI), ("1000000", "1M", .decimalSI), ("0.001", "1m", .decimalSI),
        ("0.000001", "1u", .decimalSI), ("1.0", "1", .decimalSI), ("-1.5", "-1500m", .decimalSI),
        ("-.5", "-500m", .decimalSI), ("1.23456789", "1234567890n", .decimalSI),
        ("1000e3", "1e6", .decimalExponent), ("1.5e3", "1500", .decimalExponent),
        ("1e1000", "10e999", .decimalExponent), ("-1e-4", "-100e-6", .decimalExponent),
        ("123456789012345678901234567890", "123456789012345678901234567890", .decimalSI),
        // Binary: the largest 1024 power that divides the value; below 1024 or fractional as DecimalSI.
        ("1.5Gi", "1536Mi", .binarySI), ("1024Ki", "1Mi", .binarySI), ("2048Ki", "2Mi", .binarySI),
        ("1536Ki", "1536Ki", .binarySI), ("128Mi", "128Mi", .binarySI), ("1.5Mi", "1536Ki", .binarySI),
        ("0.5Ki", "512", .binarySI), ("1.1Ki", "1126400m", .binarySI), ("7Ei", "7Ei", .binarySI),
        // Amounts between 0 and 1 leave BinarySI; binary amounts cap at Int64.max.
        ("0.0005Ki", "512m", .decimalSI), ("8Ei", "9223372036854775807", .binarySI),
        // Zero in every spelling; rounding up to nano precision, away from zero.
        ("0", "0", .decimalSI), ("00", "0", .decimalSI), ("-0", "0", .decimalSI), ("0.0", "0", .decimalSI),
        ("0Gi", "0", .binarySI), ("0.1n", "1n", .decimalSI), ("-0.1n", "-1n", .decimalSI),
        ("1e-12", "1e-9", .decimalExponent), ("1.0000000001", "1000000001n", .decimalSI),
        // Kubernetes would drop the suffix past E (printing "1"); this prints a correct number.
        ("1000E", "1e21", .decimalSI),
    ]

    @Test(arguments: canonical) func canonicalForm(input: String, expected: String, format: Quantity.Format) throws {
        let quantity = try Quantity(input)
        #expect(quantity.description == expected, "\(input)")
        #expect(quantity.format == format, "\(input)")
        // The printed form reads back as the same value.
        #expect(try Quantity(expected) == quantity, "\(input)")
    }

    @Test(arguments: [
        "", "-", "+", ".", "1e", "1Gi3", "1.5.5", "abc", "1 ", " 1", "1ki", "1eK3", "1KiB", "1m5", "++1", "1..",
        "1e99999999999", "Ki", "1Ei1",
    ])
    func rejects(input: String) {
        #expect(throws: QuantityError.self, "\(input)") { try Quantity(input) }
    }

    @Test func errorsSayWhatIsWrong() {
        // Variables, not literals: `Quantity("…")` with a literal is the (trapping) literal initialiser.
        let (badSuffix, badFormat) = ("1ki", "1Gb")
        #expect(throws: QuantityError.suffix("1ki")) { try Quantity(badSuffix) }
        #expect(throws: QuantityError.formatWrong("1Gb")) { try Quantity(badFormat) }
        #expect(QuantityError.suffix("1Gb").description.contains("1Gb"))
    }

    @Test func valuesRoundAwayFromZero() throws {
        #expect(Quantity("100m").value == 1 && Quantity("100m").milliValue == 100)
        #expect(Quantity("-100m").value == -1)
        #expect(Quantity("1.5").value == 2 && Quantity("-1.5").value == -2)
        #expect(Quantity("1n").milliValue == 1 && Quantity("-1n").milliValue == -1)
        #expect(Quantity("1Gi").value == 1 << 30 && Quantity("1Ki").milliValue == 1_024_000)
        #expect(Quantity("2").milliValue == 2000 && Quantity("1e3").value == 1000)
        #expect(Quantity("1u").scaledValue(scale: -9) == 1000)
        // Clamped where Kubernetes would overflow.
        #expect(Quantity("1e30").value == .max && Quantity("-1e30").value == .min)
        #expect(Quantity("9223372036854775807").milliValue == .max)
        #expect(Quantity("1e-9").value == 1 && Quantity("0").value == 0)
    }

    @Test func constructors() throws {
        #expect(Quantity(milli: 1500).description == "1500m")
        #expect(Quantity(milli: 2000).description == "2")
        #expect(Quantity(value: 3, format: .binarySI).description == "3")
        #expect(Quantity(value: 2048, format: .binarySI).description == "2Ki")
        #expect(Quantity(value: 5 << 30, format: .binarySI).description == "5Gi")
        #expect(Quantity(value: 1500, format: .decimalExponent).description == "1500")
        #expect(Quantity(value: 15000, format: .decimalExponent).description == "15e3")
        #expect(Quantity(value: 5, scale: 6).description == "5M")
        #expect(Quantity(value: 1, scale: -12).description == "1n")  // rounded up to nano
        #expect(Quantity(integerLiteral: 7).description == "7")
        #expect(Quantity.zero.description == "0" && Quantity.zero.isZero)
        var reformatted = try Quantity(String("1048576"))
        reformatted.format = .binarySI
        #expect(reformatted.description == "1Mi")
    }

    @Test func arithmeticIsExact() throws {
        #expect(Quantity("1.5Gi") + Quantity("512Mi") == Quantity("2Gi"))
        #expect((Quantity("1.5Gi") + Quantity("512Mi")).description == "2Gi")
        #expect((Quantity("100m") + Quantity("1")).description == "1100m")
        #expect((Quantity("1") - Quantity("100m")).description == "900m")
        #expect((Quantity("1Gi") - Quantity("1Gi")).description == "0")
        #expect((-Quantity("1Gi")).description == "-1Gi")
        #expect((Quantity("0.1") + Quantity("0.2")) == Quantity("0.3"))  // no binary floating point
        var sum = Quantity.zero
        for _ in 0..<1000 { sum += Quantity("1m") }
        #expect(sum == Quantity("1") && sum.description == "1")
        var total = Quantity("10")
        total -= Quantity("25")
        #expect(total.description == "-15" && total.sign == -1)
        #expect((Quantity("1e30") + Quantity("1n")) > Quantity("1e30"))
        #expect((Quantity("1e18") + Quantity("1e18")).description == "2e18")
    }

    @Test func arithmeticKeepsFormatsLikeKubernetes() throws {
        // A zero left side takes the right side's format; otherwise the left side's is kept.
        #expect((Quantity.zero + Quantity("1Gi")).format == .binarySI)
        #expect((Quantity.zero - Quantity("1Gi")).description == "-1Gi")
        #expect((Quantity("1G") + Quantity("1Gi")).format == .decimalSI)
        #expect((Quantity("1G") + Quantity("1Gi")).description == "2073741824")
        #expect((Quantity("1Ki") + Quantity("1")).description == "1025")
        #expect((Quantity("1Gi") + Quantity("1Gi")).description == "2Gi")
    }

    @Test func comparisonIsByValue() throws {
        #expect(Quantity("1Gi") == Quantity("1073741824"))
        #expect(Quantity("1000m") == Quantity("1") && Quantity("0") == Quantity("-0"))
        #expect(Quantity("1Gi") > Quantity("1G"))
        #expect(Quantity("-1") < Quantity("1m") && Quantity("-2") < Quantity("-1"))
        #expect(Quantity("1e-9") < Quantity("1e30") && Quantity("999m") < Quantity("1"))
        #expect(Quantity("1e40") > Quantity("9e39") && Quantity("-1e40") < Quantity("-9e39"))
        #expect(Set<Quantity>(["1", "1000m", "1e0", "0.001k", "2"]).count == 2)
        #expect([Quantity("2"), "500m", "1Ki", "-1"].sorted().map(\.description) == ["-1", "500m", "2", "1Ki"])
    }

    @Test func codable() throws {
        let json = #"{"cpu":"100m","memory":"  1Gi ","number":1.5,"integer":2,"null":null}"#
        let decoded = try JSONDecoder().decode([String: Quantity].self, from: Data(json.utf8))
        #expect(decoded["cpu"]?.description == "100m")
        #expect(decoded["memory"]?.description == "1Gi")
        #expect(decoded["number"]?.description == "1500m")
        #expect(decoded["integer"]?.description == "2")
        #expect(decoded["null"] == Quantity.zero)
        let encoded = try JSONEncoder().encode(["1.5Gi", "+1", "0.5"] as [Quantity])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["1536Mi","+1","500m"]"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Quantity].self, from: Data(#"["1Gb"]"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Quantity].self, from: Data(#"[true]"#.utf8)) }
    }

    @Test func approximateDouble() throws {
        #expect(Quantity("1.5").approximateDouble == 1.5)
        #expect(Quantity("1Ki").approximateDouble == 1024)
        #expect(Quantity("-250m").approximateDouble == -0.25)
    }
}
