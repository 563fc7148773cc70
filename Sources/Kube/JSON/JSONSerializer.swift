extension JSONValue {
    /// Compact JSON as Go's encoding/json writes it (what kube-apiserver sends): keys in stored
    /// order; `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c`…; doubles in Go's shortest form.
    /// NaN and infinities, which JSON cannot hold, are written as `null`.
    public func serialized() -> [UInt8] {
        var writer = JSONWriter(pretty: false)
        writer.write(self)
        return writer.output
    }

    /// Appends the compact serialization to `output`.
    public func serialize(into output: inout [UInt8]) {
        var writer = JSONWriter(pretty: false, output: output)
        output = []
        writer.write(self)
        output = writer.output
    }

    /// Two-space indented JSON with `"key": value`, for humans and test failure messages.
    public func prettySerialized() -> [UInt8] {
        var writer = JSONWriter(pretty: true)
        writer.write(self)
        return writer.output
    }

    /// The compact serialization as a String.
    public var text: String { String(decoding: serialized(), as: UTF8.self) }
}

struct JSONWriter {
    private(set) var output: [UInt8] = []
    private let pretty: Bool
    private var level = 0

    init(pretty: Bool) {
        self.pretty = pretty
        output.reserveCapacity(1024)
    }

    init(pretty: Bool, output: [UInt8]) {
        self.pretty = pretty
        self.output = output
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .integer(let integer): writeInteger(integer)
        case .double(let double): writeDouble(double)
        case .string(let string): writeString(string)
        case .array(let elements):
            guard !elements.isEmpty else { return append("[]") }
            output.append(UInt8(ascii: "["))
            level += 1
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline()
                write(element)
            }
            level -= 1
            newline()
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            guard !object.isEmpty else { return append("{}") }
            output.append(UInt8(ascii: "{"))
            level += 1
            for (position, entry) in object.entries.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline()
                writeString(entry.key)
                output.append(UInt8(ascii: ":"))
                if pretty { output.append(UInt8(ascii: " ")) }
                write(entry.value)
            }
            level -= 1
            newline()
            output.append(UInt8(ascii: "}"))
        }
    }

    private mutating func append(_ literal: StaticString) {
        output.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    private mutating func newline() {
        guard pretty else { return }
        output.append(0x0A)
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
    }

    private mutating func writeInteger(_ value: Int64) {
        if value == 0 { return output.append(UInt8(ascii: "0")) }
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = output.count
        while magnitude > 0 {
            output.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        output[start...].reverse()
    }

    // MARK: Strings

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func writeString(_ string: String) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                var escape: StaticString? = nil
                var control = false
                switch byte {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case 0x0A: escape = "\\n"
                case 0x0D: escape = "\\r"
                case 0x09: escape = "\\t"
                case 0..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"): control = true
                case 0xE2:
                    // U+2028 and U+2029 (E2 80 A8/A9) break JavaScript string literals; Go escapes them.
                    if index + 2 < bytes.count, bytes[index + 1] == 0x80, bytes[index + 2] & 0xFE == 0xA8 {
                        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                        append(bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029")
                        index += 3
                        runStart = index
                        continue
                    }
                default: break
                }
                if escape != nil || control {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    if let escape {
                        append(escape)
                    } else {
                        // Go 1.19 (kube-apiserver 1.19) writes \b and \f in this long form too.
                        append("\\u00")
                        output.append(Self.hexDigits[Int(byte >> 4)])
                        output.append(Self.hexDigits[Int(byte & 0xF)])
                    }
                    runStart = index + 1
                }
                index += 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        output.append(UInt8(ascii: "\""))
    }

    // MARK: Doubles

    /// Go's float64 encoding: strconv's shortest digits in %f form for 1e-6 <= |x| < 1e21, else
    /// exponent form with the exponent's leading zero dropped when negative (`1e-7`, `1e+21`).
    private mutating func writeDouble(_ value: Double) {
        guard value.isFinite else { return append("null") }
        guard value != 0 else { return value.sign == .minus ? append("-0") : append("0") }
        // Swift's description is the shortest round-tripping representation, as is Go's with
        // precision -1; only the layout differs, so take its digits and exponent and re-lay them.
        var digits: [UInt8] = []
        var exponent = 0 // value = 0.digits × 10^exponent
        var pointSeen = false
        var leadingZeros = true
        var description = value.magnitude.description.utf8[...]
        if let e = description.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            exponent = Int(String(decoding: description[description.index(after: e)...], as: UTF8.self)) ?? 0
            description = description[..<e]
        }
        for byte in description {
            if byte == UInt8(ascii: ".") {
                pointSeen = true
            } else if leadingZeros && byte == UInt8(ascii: "0") {
                if pointSeen { exponent -= 1 }
            } else {
                leadingZeros = false
                digits.append(byte)
                if !pointSeen { exponent += 1 }
            }
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        if value < 0 { output.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        if magnitude < 1e-6 || magnitude >= 1e21 {
            output.append(digits[0])
            if digits.count > 1 {
                output.append(UInt8(ascii: "."))
                output.append(contentsOf: digits[1...])
            }
            let e = exponent - 1
            output.append(UInt8(ascii: "e"))
            output.append(e < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            writeInteger(Int64(e.magnitude))
        } else if exponent <= 0 {
            append("0.")
            output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -exponent))
            output.append(contentsOf: digits)
        } else if exponent >= digits.count {
            output.append(contentsOf: digits)
            output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: exponent - digits.count))
        } else {
            output.append(contentsOf: digits[..<exponent])
            output.append(UInt8(ascii: "."))
            output.append(contentsOf: digits[exponent...])
        }
    }
}
