/// The protobuf wire types (the low three bits of a field's tag).
enum ProtobufWireType: UInt8, Sendable, CustomStringConvertible {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5

    var description: String {
        switch self {
        case .varint: "varint"
        case .fixed64: "64-bit"
        case .lengthDelimited: "length-delimited"
        case .startGroup: "start-group"
        case .endGroup: "end-group"
        case .fixed32: "32-bit"
        }
    }
}

/// Reads protobuf wire format from a byte range without copying it. Every read checks its bounds
/// and throws on truncated or malformed input; nothing here can trap on garbage.
struct ProtobufReader {
    /// Field numbers are 29 bits wide; 0 is reserved.
    static let maximumFieldNumber = (1 << 29) - 1

    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    /// Reads `range` of `bytes` (all of it by default). `range` must lie within `bytes`.
    init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        let range = range ?? bytes.indices
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range outside the buffer")
        offset = range.lowerBound
        end = range.upperBound
    }

    var isAtEnd: Bool { offset >= end }

    /// The next field's number and wire type.
    mutating func readTag() throws(KubeProtobufError) -> (field: Int, wireType: ProtobufWireType) {
        let start = offset
        let key = try readVarint()
        guard let wireType = ProtobufWireType(rawValue: UInt8(key & 7)) else {
            throw .malformed("invalid wire type \(key & 7) at byte \(start)")
        }
        let field = key >> 3
        guard field >= 1, field <= UInt64(Self.maximumFieldNumber) else {
            throw .malformed("invalid field number \(field) at byte \(start)")
        }
        return (Int(field), wireType)
    }

    /// A base-128 varint of at most 10 bytes whose value fits 64 bits.
    mutating func readVarint() throws(KubeProtobufError) -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw .malformed("truncated varint at byte \(start)") }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw .malformed("varint overflows 64 bits at byte \(start)") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    /// A little-endian 64-bit value.
    mutating func readFixed64() throws(KubeProtobufError) -> UInt64 {
        guard end - offset >= 8 else { throw .malformed("truncated 64-bit value at byte \(offset)") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return value
    }

    /// A little-endian 32-bit value.
    mutating func readFixed32() throws(KubeProtobufError) -> UInt32 {
        guard end - offset >= 4 else { throw .malformed("truncated 32-bit value at byte \(offset)") }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * UInt32(index)) }
        offset += 4
        return value
    }

    /// The range of a length-delimited value (a string, bytes, a message or a packed array).
    mutating func readLengthDelimited() throws(KubeProtobufError) -> Range<Int> {
        let start = offset
        let length = try readVarint()
        guard length <= UInt64(end - offset) else {
            throw .malformed("length \(length) at byte \(start) runs past the end of its message")
        }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }

    /// A reader for a range returned by `readLengthDelimited`.
    func reader(for range: Range<Int>) -> ProtobufReader { ProtobufReader(bytes, range: range) }

    /// The UTF-8 text of a range (invalid sequences become U+FFFD, as Go's JSON encoder writes them).
    func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    /// Steps over a value of an unknown field. Groups (deprecated, never written by Kubernetes) are
    /// refused rather than skipped.
    mutating func skip(_ wireType: ProtobufWireType) throws(KubeProtobufError) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .fixed32: _ = try readFixed32()
        case .startGroup, .endGroup: throw .malformed("unsupported group at byte \(offset)")
        }
    }
}
