import CHTTPParser
import HTTP

/// Reads one HTTP/1.x response at a time with http-parser: a `Content-Length`, chunked or
/// read-until-close body, as a real apiserver sends them. Interim (1xx) answers are skipped. It stops
/// where a response ends, so that the bytes after it (the answer to a pipelined request) are left for
/// the next. Not tied to an actor: only its connection drives it, on the loop.
final class ResponseParser {
    enum Outcome: Equatable {
        case incomplete
        /// The response ended after `consumed` of the bytes given; `keepAlive` when the server keeps
        /// the connection open.
        case complete(keepAlive: Bool, consumed: Int)
        case failed(String)
    }

    private let parser: UnsafeMutablePointer<http_parser>
    private let settings: UnsafeMutablePointer<http_parser_settings>

    private(set) var status = HTTPStatus(0)
    private(set) var headers = HTTPHeaders()
    private(set) var body: [UInt8] = []
    /// Response bytes read so far: a kept connection that ends before any is worth a retry.
    private(set) var receivedBytes = 0
    private var skipsBody = false
    private var ended = false
    private var reason: [UInt8] = []
    private var field: [UInt8] = []
    private var value: [UInt8] = []
    private var inValue = false

    init() {
        parser = .allocate(capacity: 1)
        settings = .allocate(capacity: 1)
        http_parser_settings_init(settings)
        settings.pointee.on_status = { p, at, n in
            ResponseParser.from(p).reason.append(contentsOf: UnsafeRawBufferPointer(start: at, count: n))
            return 0
        }
        settings.pointee.on_header_field = { p, at, n in ResponseParser.from(p).headerField(at, n) }
        settings.pointee.on_header_value = { p, at, n in ResponseParser.from(p).headerValue(at, n) }
        settings.pointee.on_headers_complete = { p in ResponseParser.from(p).headersComplete() }
        settings.pointee.on_body = { p, at, n in
            ResponseParser.from(p).body.append(contentsOf: UnsafeRawBufferPointer(start: at, count: n))
            return 0
        }
        settings.pointee.on_message_complete = { p in ResponseParser.from(p).messageComplete() }
        reset(skipsBody: false)
    }

    deinit {
        parser.deallocate()
        settings.deallocate()
    }

    private static func from(_ p: UnsafeMutablePointer<http_parser>?) -> ResponseParser {
        Unmanaged<ResponseParser>.fromOpaque(chp_data(p!)!).takeUnretainedValue()
    }

    /// Readies the parser for the next response; `skipsBody` for the answer to a HEAD request.
    func reset(skipsBody: Bool) {
        http_parser_init(parser, HTTP_RESPONSE)
        self.skipsBody = skipsBody
        receivedBytes = 0
        startMessage()
    }

    private func startMessage() {
        status = HTTPStatus(0)
        headers = HTTPHeaders()
        body = []
        ended = false
        reason.removeAll(keepingCapacity: true)
        field.removeAll(keepingCapacity: true)
        value.removeAll(keepingCapacity: true)
        inValue = false
    }

    /// Parses the next bytes of the response, up to its end.
    func execute(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return .incomplete }
        let outcome = run(start.assumingMemoryBound(to: CChar.self), bytes.count)
        if case .complete(_, let consumed) = outcome { receivedBytes += consumed } else { receivedBytes += bytes.count }
        return outcome
    }

    /// The server closed the connection: that ends a body read until close, and nothing else.
    func executeEndOfStream() -> Outcome {
        run(nil, 0)
    }

    private func run(_ start: UnsafePointer<CChar>?, _ count: Int) -> Outcome {
        chp_set_data(parser, Unmanaged.passUnretained(self).toOpaque())
        let consumed = http_parser_execute(parser, settings, start, count)
        chp_set_data(parser, nil)
        let code = chp_errno(parser)
        if ended {
            // Paused at the response's end (see `messageComplete`).
            return .complete(keepAlive: http_should_keep_alive(parser) != 0, consumed: consumed)
        }
        if code != HPE_OK.rawValue {
            return .failed(String(cString: http_errno_description(http_errno(rawValue: code))))
        }
        return count == 0 ? .failed("the connection closed before the response ended") : .incomplete
    }

    // MARK: - http-parser callbacks (0 continues, anything else stops)

    private func headerField(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        if inValue {
            addHeader()
            inValue = false
        }
        field.append(contentsOf: UnsafeRawBufferPointer(start: at, count: n))
        return 0
    }

    private func headerValue(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        inValue = true
        value.append(contentsOf: UnsafeRawBufferPointer(start: at, count: n))
        return 0
    }

    private func addHeader() {
        headers.add(String(decoding: field, as: UTF8.self), String(decoding: value, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        value.removeAll(keepingCapacity: true)
    }

    private func headersComplete() -> Int32 {
        if inValue { addHeader() }
        inValue = false
        let code = Int(chp_status_code(parser))
        status = HTTPStatus(code, reason.isEmpty ? nil : String(decoding: reason, as: UTF8.self))
        let length = chp_content_length(parser)
        if length < 1 << 30 { body.reserveCapacity(Int(length)) }
        // 1 tells http-parser that no body follows.
        return skipsBody && code >= 200 ? 1 : 0
    }

    private func messageComplete() -> Int32 {
        if status.code < 200 {
            startMessage()
            return 0
        }
        ended = true
        http_parser_pause(parser, 1)
        return 0
    }
}
