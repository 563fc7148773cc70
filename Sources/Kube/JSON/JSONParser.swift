extension JSONValue {
    /// Documents nested deeper than this are refused rather than risking the stack.
    public static let maximumNestingDepth = 1000

    /// Parses one JSON document (RFC 8259) from UTF-8 bytes; whitespace may surround it, nothing
    /// else may follow. Integers that fit an Int64 become `.integer`, other numbers `.double`.
    /// Invalid UTF-8 inside strings is replaced by U+FFFD, as Go does; escaped lone surrogates are
    /// an error. Duplicate keys: the last value wins, at the first key's position.
    public init(parsing bytes: some Collection<UInt8>) throws(JSONError) {
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            var parser = JSONParser(buffer)
            return Result { () throws(JSONError) in try parser.parseDocument() }
        }
        if let result {
            self = try result.get()
        } else {
            let copy = Array(bytes)
            self = try copy.withUnsafeBufferPointer { buffer in
                var parser = JSONParser(buffer)
                return Result { () throws(JSONError) in try parser.parseDocument() }
            }.get()
        }
    }

    public init(parsing text: String) throws(JSONError) {
        var text = text
        self = try text.withUTF8 { buffer in
            var parser = JSONParser(buffer)
            return Result { () throws(JSONError) in try parser.parseDocument() }
        }.get()
    }
}

/// A recursive-descent parser over a contiguous byte buffer. Strings without escapes are decoded
/// straight from the input; only escaped strings go through a scratch buffer.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    private var scratch: [UInt8] = []
    /// Where the keys of the objects being parsed are in the input (nil: had escapes), for all
    /// nesting levels; a plain-data stack, cheap to share (shared stacks of values were slower:
    /// moving them out costs more retains than growing a local array).
    private var keySpanStack: [Range<Int>?] = []
    /// The input bytes of the last string parsed, when it had no escapes.
    private var lastStringSpan: Range<Int>? = nil

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count { throw fail("unexpected data after the document") }
        return value
    }

    private func fail(_ message: String, at offset: Int? = nil) -> JSONError {
        JSONError(message, offset: offset ?? index)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character")
        }
    }

    private mutating func expect(_ literal: StaticString) throws(JSONError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw fail("unexpected end of input") }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            throw fail("invalid literal", at: index + offset)
        }
        index += count
    }

    private mutating func enter() throws(JSONError) {
        depth += 1
        if depth > JSONValue.maximumNestingDepth { throw fail("nesting deeper than \(JSONValue.maximumNestingDepth) levels") }
    }

    private mutating func parseArray() throws(JSONError) -> JSONValue {
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array([])
        }
        var elements: [JSONValue] = []
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input in array") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(elements)
            default: throw fail("expected ',' or ']'")
            }
        }
    }

    private mutating func parseObject() throws(JSONError) -> JSONValue {
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(JSONObject())
        }
        let base = keySpanStack.count
        var entries: [(key: String, value: JSONValue)] = []
        entries.reserveCapacity(8)
        // Duplicate keys are legal (the last wins) and must be detected; compare raw key bytes,
        // cheaper than String ==, and switch to a hash index for big objects.
        var positions: [String: Int]? = nil
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input in object") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try parseString()
            let span = lastStringSpan
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw fail(index < bytes.count ? "expected ':'" : "unexpected end of input in object")
            }
            index += 1
            let value = try parseValue()
            let count = entries.count
            if positions == nil, count >= 16 {
                positions = Dictionary(entries.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { first, _ in first })
            }
            var duplicate: Int? = nil
            if positions != nil {
                // No `if let` binding: a second reference would make each insertion copy the index.
                duplicate = positions![key]
                if duplicate == nil { positions![key] = count }
            } else {
                for position in 0..<count where isSameKey(entries[position].key, keySpanStack[base + position], as: key, span) {
                    duplicate = position
                    break
                }
            }
            if let duplicate { entries[duplicate].value = value } else {
                entries.append((key, value))
                keySpanStack.append(span)
            }
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input in object") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                keySpanStack.removeSubrange(base...)
                return .object(JSONObject(uniqueEntries: entries))
            default: throw fail("expected ',' or '}'")
            }
        }
    }

    /// Byte comparison when both keys came unescaped from the input (as Go compares keys).
    private func isSameKey(_ a: String, _ aSpan: Range<Int>?, as b: String, _ bSpan: Range<Int>?) -> Bool {
        guard let aSpan, let bSpan else { return a == b }
        return aSpan.count == bSpan.count
            && UnsafeBufferPointer(rebasing: bytes[aSpan]).elementsEqual(UnsafeBufferPointer(rebasing: bytes[bSpan]))
    }

    // MARK: Strings

    /// Starts at the opening quote; leaves `index` after the closing one.
    private mutating func parseString() throws(JSONError) -> String {
        index += 1
        let start = index
        // Fast path: a run of plain bytes ending in the closing quote needs no copy but the String's.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                lastStringSpan = start..<index
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            index += 1
        }
        lastStringSpan = nil
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape()
            case 0..<0x20:
                throw fail("control character in string")
            default:
                scratch.append(byte)
                index += 1
            }
        }
        throw fail("unterminated string", at: bytes.count)
    }

    private mutating func parseEscape() throws(JSONError) {
        let escapeStart = index
        index += 1
        guard index < bytes.count else { throw fail("unterminated string") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(byte)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if scalar >= 0xDC00 && scalar <= 0xDFFF { throw fail("lone low surrogate", at: escapeStart) }
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw fail("lone high surrogate", at: escapeStart)
                }
                index += 2
                let low = try parseHex4()
                guard low >= 0xDC00 && low <= 0xDFFF else { throw fail("lone high surrogate", at: escapeStart) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            // Surrogates were excluded above, so this always succeeds.
            if let unicode = Unicode.Scalar(scalar) { scratch.append(contentsOf: UTF8.encode(unicode)!) }
        default:
            throw fail("invalid escape", at: escapeStart)
        }
    }

    private mutating func parseHex4() throws(JSONError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(JSONError) -> JSONValue {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let digitsStart = index
        // Accumulate negatively so Int64.min parses; overflow means "use a double".
        var magnitude: Int64 = 0
        var overflow = false
        while index < bytes.count, case let byte = bytes[index], byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            if !overflow {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (next, o2) = times10.subtractingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
                if o1 || o2 { overflow = true } else { magnitude = next }
            }
            index += 1
        }
        let digitCount = index - digitsStart
        guard digitCount > 0 else { throw fail("expected a digit") }
        if digitCount > 1, bytes[digitsStart] == UInt8(ascii: "0") { throw fail("leading zero in number", at: digitsStart) }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            try skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            try skipDigits()
        }
        if isInteger && !overflow {
            if negative { return .integer(magnitude) }
            if magnitude != .min { return .integer(-magnitude) }
        }
        // The standard library's conversion rounds correctly; short numbers make small strings.
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw fail("number out of range", at: start) }
        return .double(value)
    }

    private mutating func skipDigits() throws(JSONError) {
        let start = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        if index == start { throw fail("expected a digit") }
    }
}
