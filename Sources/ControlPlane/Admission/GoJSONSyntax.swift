/// The first syntax error of a JSON document worded as Go's `encoding/json` words it
/// ("invalid character 'h' in literal true (expecting 'r')", "unexpected end of JSON input"): the
/// apiserver passes these through in admission errors (fixture 08-admission-07).
enum GoJSONSyntax {
    static func firstError(_ bytes: [UInt8]) -> String? {
        var scanner = Scanner(bytes: bytes)
        do throws(SyntaxError) {
            try scanner.value()
            scanner.skipSpace()
            if scanner.index < bytes.count { throw scanner.invalid("after top-level value") }
            return nil
        } catch {
            return error.message
        }
    }

    struct SyntaxError: Error { var message: String }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        static let endOfInput = SyntaxError(message: "unexpected end of JSON input")

        func invalid(_ context: String) -> SyntaxError {
            SyntaxError(message: "invalid character \(GoJSONSyntax.quoteChar(bytes[index])) \(context)")
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        /// The next byte after spaces; the end of input is an error.
        mutating func peek() throws(SyntaxError) -> UInt8 {
            skipSpace()
            guard index < bytes.count else { throw Self.endOfInput }
            return bytes[index]
        }

        mutating func value() throws(SyntaxError) {
            switch try peek() {
            case UInt8(ascii: "{"): try object()
            case UInt8(ascii: "["): try array()
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: throw invalid("looking for beginning of value")
            }
        }

        mutating func object() throws(SyntaxError) {
            index += 1
            if try peek() == UInt8(ascii: "}") { index += 1; return }
            while true {
                guard try peek() == UInt8(ascii: "\"") else { throw invalid("looking for beginning of object key string") }
                try string()
                guard try peek() == UInt8(ascii: ":") else { throw invalid("after object key") }
                index += 1
                try value()
                switch try peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return
                default: throw invalid("after object key:value pair")
                }
            }
        }

        mutating func array() throws(SyntaxError) {
            index += 1
            if try peek() == UInt8(ascii: "]") { index += 1; return }
            while true {
                try value()
                switch try peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return
                default: throw invalid("after array element")
                }
            }
        }

        mutating func next() throws(SyntaxError) -> UInt8 {
            guard index < bytes.count else { throw Self.endOfInput }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func string() throws(SyntaxError) {
            index += 1
            while true {
                let byte = try next()
                if byte == UInt8(ascii: "\"") { return }
                if byte < 0x20 { index -= 1; throw invalid("in string literal") }
                guard byte == UInt8(ascii: "\\") else { continue }
                let escape = try next()
                if Array("\"\\/bfnrt".utf8).contains(escape) { continue }
                guard escape == UInt8(ascii: "u") else { index -= 1; throw invalid("in string escape code") }
                for _ in 0..<4 {
                    let digit = try next()
                    if !isHex(digit) { index -= 1; throw invalid("in \\u hexadecimal character escape") }
                }
            }
        }

        private func isHex(_ byte: UInt8) -> Bool {
            isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }

        private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

        /// Digits after a sign, point or exponent: at least one is required.
        mutating func digits(_ context: String) throws(SyntaxError) {
            guard index < bytes.count else { throw Self.endOfInput }
            guard isDigit(bytes[index]) else { throw invalid(context) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }

        mutating func number() throws(SyntaxError) {
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { throw Self.endOfInput }
            if bytes[index] == UInt8(ascii: "0") { index += 1 } else { try digits("in numeric literal") }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                try digits("after decimal point in numeric literal")
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                try digits("in exponent of numeric literal")
            }
        }

        mutating func literal(_ word: String) throws(SyntaxError) {
            index += 1
            for expected in word.utf8.dropFirst() {
                guard index < bytes.count else { throw Self.endOfInput }
                guard bytes[index] == expected else {
                    throw invalid("in literal \(word) (expecting \(GoJSONSyntax.quoteChar(expected)))")
                }
                index += 1
            }
        }
    }

    /// Go's `quoteChar`: the byte in single quotes, escaped as `strconv.Quote` would.
    static func quoteChar(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "'"): return "'\\''"
        case UInt8(ascii: "\""): return "'\"'"
        case 0x0A: return "'\\n'"
        case 0x0D: return "'\\r'"
        case 0x09: return "'\\t'"
        case 0x5C: return "'\\\\'"
        case 0..<0x20, 0x7F:
            let hex = String(byte, radix: 16)
            return "'\\x\(hex.count == 1 ? "0" + hex : hex)'"
        default: return "'\(Character(Unicode.Scalar(byte)))'"
        }
    }
}
