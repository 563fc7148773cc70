import Kube

/// Why a protobuf body could not be turned into JSON. The description is one line, fit for the
/// message of a 400 Status.
public enum KubeProtobufError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The body does not start with the 4-byte prefix "k8s\0".
    case missingPrefix
    /// Truncated or invalid wire format, or a field with the wrong wire type.
    case malformed(String)
    /// Well-formed, but a value with no JSON form (an IntOrString of an unknown type, a time
    /// outside years 1 to 9999, an empty quantity).
    case invalidValue(String)
    /// No schema for this kind in this group version.
    case unsupportedKind(apiVersion: String, kind: String)
    /// The envelope says the object is compressed or not protobuf.
    case unsupportedEncoding(String)
    /// A gap in the schema tables themselves.
    case unsupported(String)

    public var description: String {
        switch self {
        case .missingPrefix: "protobuf: the body does not start with the Kubernetes prefix \"k8s\\x00\""
        case .malformed(let detail): "protobuf: malformed body: \(detail)"
        case .invalidValue(let detail): "protobuf: invalid value: \(detail)"
        case .unsupportedKind(let apiVersion, let kind):
            "protobuf: decoding \(kind.isEmpty ? "an object without a kind" : kind) in "
                + "\(apiVersion.isEmpty ? "no group version" : apiVersion) is not supported; send JSON"
        case .unsupportedEncoding(let encoding): "protobuf: unsupported \(encoding)"
        case .unsupported(let detail): "protobuf: \(detail)"
        }
    }
}

/// Decodes the Kubernetes protobuf encoding of request bodies (what typed clients such as kubectl's
/// `create` commands send) into the JSON a JSON client would have sent for the same object.
public enum KubeProtobuf {
    public static let mediaType = "application/vnd.kubernetes.protobuf"

    /// "k8s" and a zero byte, ahead of every protobuf-encoded object.
    static let prefix: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// Whether a Content-Type header names the Kubernetes protobuf media type, with or without
    /// parameters.
    public static func isProtobuf(contentType: String) -> Bool {
        var type = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        while let first = type.first, first == " " || first == "\t" { type.removeFirst() }
        while let last = type.last, last == " " || last == "\t" { type.removeLast() }
        return type.lowercased() == mediaType
    }

    /// The JSON object of a protobuf body: "kind" and "apiVersion" first, then the message's fields
    /// in Go's order. Fields the schema does not know are skipped.
    public static func decode(_ body: [UInt8]) throws(KubeProtobufError) -> JSONValue {
        guard body.count >= prefix.count, body[0..<prefix.count].elementsEqual(prefix) else { throw .missingPrefix }
        let envelope = try Envelope(ProtobufReader(body, range: prefix.count..<body.count))
        guard let message = ProtobufSchemas.message(apiVersion: envelope.apiVersion, kind: envelope.kind) else {
            throw .unsupportedKind(apiVersion: envelope.apiVersion, kind: envelope.kind)
        }
        if !envelope.contentEncoding.isEmpty { throw .unsupportedEncoding("content encoding \(envelope.contentEncoding)") }
        if !envelope.contentType.isEmpty && !isProtobuf(contentType: envelope.contentType) {
            throw .unsupportedEncoding("content type \(envelope.contentType)")
        }
        let fields = try ProtobufDecoder().object(message, from: ProtobufReader(body, range: envelope.raw))
        var object = JSONObject()
        object["kind"] = .string(envelope.kind)
        object["apiVersion"] = .string(envelope.apiVersion)
        for (key, value) in fields { object[key] = value }
        return .object(object)
    }

    /// runtime.Unknown: typeMeta = 1 (apiVersion = 1, kind = 2), raw = 2, contentEncoding = 3,
    /// contentType = 4.
    private struct Envelope {
        var apiVersion = ""
        var kind = ""
        var raw: Range<Int>
        var contentEncoding = ""
        var contentType = ""

        init(_ reader: ProtobufReader) throws(KubeProtobufError) {
            var reader = reader
            raw = reader.end..<reader.end
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readTag()
                guard (1...4).contains(number) else {
                    try reader.skip(wireType)
                    continue
                }
                guard wireType == .lengthDelimited else {
                    throw .malformed("envelope field \(number) is a \(wireType) value, not length-delimited")
                }
                let range = try reader.readLengthDelimited()
                switch number {
                case 1: try readTypeMeta(reader.reader(for: range))
                case 2: raw = range
                case 3: contentEncoding = reader.string(range)
                default: contentType = reader.string(range)
                }
            }
        }

        private mutating func readTypeMeta(_ reader: ProtobufReader) throws(KubeProtobufError) {
            var reader = reader
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readTag()
                guard number == 1 || number == 2 else {
                    try reader.skip(wireType)
                    continue
                }
                guard wireType == .lengthDelimited else { throw .malformed("typeMeta field \(number) is not a string") }
                let text = reader.string(try reader.readLengthDelimited())
                if number == 1 { apiVersion = text } else { kind = text }
            }
        }
    }
}
