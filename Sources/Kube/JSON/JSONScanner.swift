/// Reads one member of a serialized document without building the rest, for answers of which a
/// caller needs a field or two: a renewed Lease's resourceVersion, a thousand times a second at
/// 10,000 nodes, where parsing the whole answer was 4 % of the heartbeat's CPU; a Node's conditions.
public enum JSONScanner {
    /// The string at `path` (object keys from the top), or nil when a key is missing, the value is
    /// not a string, or the bytes are not JSON as far as they are read.
    public static func string(at path: [String], in bytes: [UInt8]) -> String? {
        guard !path.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            var cursor = Cursor(bytes: buffer)
            guard cursor.descend(path), let token = cursor.stringToken() else { return nil }
            return cursor.decode(token)
        }
    }

    /// The value at `path`, parsed on its own; nil as for `string(at:in:)`.
    public static func value(at path: [String], in bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBufferPointer { buffer in
            var cursor = Cursor(bytes: buffer)
            guard cursor.descend(path), let range = cursor.valueRange() else { return nil }
            return try? JSONValue(parsing: UnsafeBufferPointer(rebasing: buffer[range]))
        }
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        private mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        private mutating func consume(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard current == byte else { return false }
            index += 1
            return true
        }

        /// Moves to the value at `path`, one object member after another.
        mutating func descend(_ path: [String]) -> Bool {
            path.allSatisfy { find($0) }
        }

        /// Moves to the value of `key` in the object that starts here.
        private mutating func find(_ key: String) -> Bool {
            guard consume(UInt8(ascii: "{")) else { return false }
            if consume(UInt8(ascii: "}")) { return false }
            repeat {
                guard let name = stringToken(), consume(UInt8(ascii: ":")) else { return false }
                if matches(name, key) { return true }
                guard skipValue() else { return false }
            } while consume(UInt8(ascii: ","))
            return false
        }

        /// The string token here, quotes included.
        mutating func stringToken() -> Range<Int>? {
            skipWhitespace()
            let start = index
            return skipString() ? start..<index : nil
        }

        private func matches(_ token: Range<Int>, _ key: String) -> Bool {
            let inner = bytes[(token.lowerBound + 1)..<(token.upperBound - 1)]
            guard inner.contains(UInt8(ascii: "\\")) else { return inner.elementsEqual(key.utf8) }
            return decode(token) == key
        }

        /// The token's text, its escapes decoded.
        func decode(_ token: Range<Int>) -> String? {
            let inner = bytes[(token.lowerBound + 1)..<(token.upperBound - 1)]
            guard inner.contains(UInt8(ascii: "\\")) else { return String(decoding: inner, as: UTF8.self) }
            return (try? JSONValue(parsing: UnsafeBufferPointer(rebasing: bytes[token])))?.stringValue
        }

        private mutating func skipString() -> Bool {
            guard current == UInt8(ascii: "\"") else { return false }
            index += 1
            while let byte = current {
                index += byte == UInt8(ascii: "\\") ? 2 : 1
                if byte == UInt8(ascii: "\"") { return true }
            }
            return false
        }

        /// The bytes of the value here.
        mutating func valueRange() -> Range<Int>? {
            skipWhitespace()
            let start = index
            return skipValue() ? start..<index : nil
        }

        /// Skips one value of any kind: nested containers are skipped by counting brackets outside strings.
        private mutating func skipValue() -> Bool {
            skipWhitespace()
            var depth = 0
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""):
                    guard skipString() else { return false }
                    if depth == 0 { return true }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return true }
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        return true
                    }
                case UInt8(ascii: ","):
                    if depth == 0 { return true }
                default: break
                }
                index += 1
            }
            return depth == 0
        }
    }
}
