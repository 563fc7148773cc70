import CHTTPParser
import HTTP

/// A request as parsed, plus what the connection needs to answer it.
struct ParsedRequest {
    var request: HTTPRequest
    /// HTTP/1.1 without `Connection: close`, or HTTP/1.0 with `Connection: keep-alive`.
    var keepAlive: Bool
    /// http-parser stopped after this request: what follows is another protocol.
    var upgrade: Bool
    var isHead: Bool
}

/// Wraps one http-parser in request mode. Not tied to an actor: it only touches its own state and is
/// driven synchronously by its connection on the loop.
final class RequestParser {
    enum Phase { case idle, headers, body }

    enum Failure: Equatable {
        case malformed(String)
        case headersTooLarge
        case bodyTooLarge
    }

    enum Outcome {
        case ok
        /// Parsing stopped for an upgrade: bytes from `consumed` on belong to the new protocol.
        case upgrade(consumed: Int)
        case failed(Failure)
    }

    private let parser: UnsafeMutablePointer<http_parser>
    private let settings: UnsafeMutablePointer<http_parser_settings>
    private let maxHeaderBytes: Int
    private let maxBodyBytes: Int

    var remoteAddress = ""
    var tlsPeer: TLSPeer?

    private(set) var phase = Phase.idle
    /// Requests completed by the last `execute` calls, oldest first; the connection takes them
    /// (optional so that they can be moved out without a copy).
    var completed: [ParsedRequest?] = []
    /// The request being received asked for `100 Continue` and has not been answered yet.
    var wantsContinue = false
    private(set) var failure: Failure?

    private var url: [UInt8] = []
    private var field: [UInt8] = []
    private var value: [UInt8] = []
    private var inValue = false
    private var headers = HTTPHeaders()
    private var body: [UInt8] = []
    private var headerBytes = 0

    init(maxHeaderBytes: Int, maxBodyBytes: Int) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        parser = .allocate(capacity: 1)
        http_parser_init(parser, HTTP_REQUEST)
        settings = .allocate(capacity: 1)
        http_parser_settings_init(settings)
        settings.pointee.on_message_begin = { p in RequestParser.from(p).messageBegin() }
        settings.pointee.on_url = { p, at, n in RequestParser.from(p).url(at, n) }
        settings.pointee.on_header_field = { p, at, n in RequestParser.from(p).headerField(at, n) }
        settings.pointee.on_header_value = { p, at, n in RequestParser.from(p).headerValue(at, n) }
        settings.pointee.on_headers_complete = { p in RequestParser.from(p).headersComplete() }
        settings.pointee.on_body = { p, at, n in RequestParser.from(p).bodyData(at, n) }
        settings.pointee.on_message_complete = { p in RequestParser.from(p).messageComplete() }
    }

    deinit {
        parser.deallocate()
        settings.deallocate()
    }

    private static func from(_ p: UnsafeMutablePointer<http_parser>?) -> RequestParser {
        Unmanaged<RequestParser>.fromOpaque(chp_data(p!)!).takeUnretainedValue()
    }

    /// Parses `bytes`; completed requests are appended to `completed`. After a failure or an upgrade
    /// the parser must not be fed again.
    func execute(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        if let failure { return .failed(failure) }
        guard let start = bytes.baseAddress, bytes.count > 0 else { return .ok }
        chp_set_data(parser, Unmanaged.passUnretained(self).toOpaque())
        let consumed = http_parser_execute(parser, settings, start.assumingMemoryBound(to: CChar.self), bytes.count)
        chp_set_data(parser, nil)
        let code = chp_errno(parser)
        if code != HPE_OK.rawValue {
            if failure == nil {
                failure = code == HPE_HEADER_OVERFLOW.rawValue
                    ? .headersTooLarge
                    : .malformed(String(cString: http_errno_description(http_errno(rawValue: code))))
            }
            return .failed(failure!)
        }
        if chp_upgrade(parser) != 0 { return .upgrade(consumed: consumed) }
        return .ok
    }

    // MARK: - http-parser callbacks (0 continues, anything else stops with an error)

    private func messageBegin() -> Int32 {
        phase = .headers
        url.removeAll(keepingCapacity: true)
        field.removeAll(keepingCapacity: true)
        value.removeAll(keepingCapacity: true)
        inValue = false
        headers = HTTPHeaders()
        body = []
        headerBytes = 0
        wantsContinue = false
        return 0
    }

    private func countHeaderBytes(_ n: Int) -> Bool {
        headerBytes += n
        if headerBytes > maxHeaderBytes {
            failure = .headersTooLarge
            return false
        }
        return true
    }

    private func url(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        guard countHeaderBytes(n) else { return 1 }
        url.append(contentsOf: UnsafeRawBufferPointer(start: at, count: n))
        return 0
    }

    private func headerField(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        // Four bytes of framing per field (": " and CRLF).
        guard countHeaderBytes(inValue || field.isEmpty ? n + 4 : n) else { return 1 }
        if inValue { commitHeader() }
        field.append(contentsOf: UnsafeRawBufferPointer(start: at, count: n))
        return 0
    }

    private func headerValue(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        guard countHeaderBytes(n) else { return 1 }
        inValue = true
        value.append(contentsOf: UnsafeRawBufferPointer(start: at, count: n))
        return 0
    }

    private func commitHeader() {
        if asciiEqualsLowercase(field, "expect") && asciiEqualsLowercase(value, "100-continue") {
            wantsContinue = true
        }
        headers.add(String(decoding: field, as: UTF8.self), String(decoding: value, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        value.removeAll(keepingCapacity: true)
        inValue = false
    }

    private func headersComplete() -> Int32 {
        if inValue || !field.isEmpty { commitHeader() }
        phase = .body
        // F_CONTENTLENGTH: the length is known before any of the body arrives.
        if chp_flags(parser) & (1 << 7) != 0, parser.pointee.content_length > UInt64(maxBodyBytes) {
            failure = .bodyTooLarge
            return -1
        }
        return 0
    }

    private func bodyData(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        if body.count + n > maxBodyBytes {
            failure = .bodyTooLarge
            return -1
        }
        body.append(contentsOf: UnsafeRawBufferPointer(start: at, count: n))
        return 0
    }

    private func messageComplete() -> Int32 {
        let request = HTTPRequest(
            method: Self.method(chp_method(parser)),
            target: String(decoding: url, as: UTF8.self),
            version: (Int(chp_http_major(parser)), Int(chp_http_minor(parser))),
            headers: headers, body: body, tlsPeer: tlsPeer, remoteAddress: remoteAddress)
        completed.append(ParsedRequest(
            request: request, keepAlive: http_should_keep_alive(parser) != 0, upgrade: chp_upgrade(parser) != 0,
            isHead: chp_method(parser) == HTTP_HEAD.rawValue))
        headers = HTTPHeaders()
        body = []
        phase = .idle
        wantsContinue = false
        return 0
    }

    private static let methods: [HTTPMethod] = (0..<64).map { code in
        guard let name = http_method_str(http_method(rawValue: UInt32(code))) else { return HTTPMethod("UNKNOWN") }
        switch String(cString: name) {
        case "GET": return .get
        case "HEAD": return .head
        case "POST": return .post
        case "PUT": return .put
        case "PATCH": return .patch
        case "DELETE": return .delete
        case "OPTIONS": return .options
        case let other: return HTTPMethod(other)
        }
    }

    private static func method(_ code: UInt32) -> HTTPMethod {
        code < methods.count ? methods[Int(code)] : HTTPMethod("UNKNOWN")
    }
}
