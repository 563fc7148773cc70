import CCurl
import HTTP
import Loop

/// One request in flight: its curl easy handle, the response as it arrives, and whoever waits for it —
/// a buffered caller (`onComplete`) or a streamed one (`onHead`, then `nextChunk`).
@LoopActor
final class Transfer {
    let easy: UnsafeMutableRawPointer
    let request: HTTPClientRequest
    private let streamBufferLimit: Int
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// Kept for the transfer's life: curl reads its CONNECT_TO list while connecting.
    private var route: Route?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    weak var multi: CurlMulti?

    private var status: HTTPStatus?
    private var headers = HTTPHeaders()
    private var body: [UInt8] = []

    var onComplete: CheckedContinuation<HTTPClientResponse, Error>?
    var onHead: CheckedContinuation<(HTTPStatus, HTTPHeaders), Error>?
    private var waiter: CheckedContinuation<[UInt8]?, Error>?
    private var chunks: [[UInt8]] = []
    private var buffered = 0
    private var paused = false
    private var outcome: Result<Void, HTTPClientError>?

    init(
        request: HTTPClientRequest, configuration: HTTPClientConfiguration, streaming: Bool, multi: CurlMulti
    ) throws(HTTPClientError) {
        guard let easy = multi.makeEasyHandle() else {
            throw HTTPClientError(.invalidRequest, "\(request.method) \(request.url): curl_easy_init failed")
        }
        self.easy = easy
        self.multi = multi
        self.request = request
        streamBufferLimit = configuration.streamBufferLimit
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(to: 0)
        do {
            try configure(configuration, streaming: streaming, multi: multi)
        } catch {
            release()
            throw error
        }
    }

    // MARK: setup

    private func configure(_ configuration: HTTPClientConfiguration, streaming: Bool, multi: CurlMulti) throws(HTTPClientError) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        try configureRoute(multi.route(for: request.url, serverName: configuration.tls.serverName, proxy: configuration.proxy), configuration)
        ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        ccurl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        ccurl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        ccurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        ccurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, me)
        ccurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, me)
        ccurl_easy_setopt_data_cb(easy, CURLOPT_WRITEFUNCTION) { data, size, count, me in
            LoopActor.assumeIsolated { Transfer.from(me).received(data!, size * count) }
        }
        ccurl_easy_setopt_data_cb(easy, CURLOPT_HEADERFUNCTION) { data, size, count, me in
            LoopActor.assumeIsolated {
                Transfer.from(me).headerLine(UnsafeRawBufferPointer(start: data, count: size * count))
            }
            return size * count
        }
        ccurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout.millisecondsRoundedUp))
        if let timeout = request.timeout ?? (streaming ? nil : configuration.timeout) {
            ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(timeout.millisecondsRoundedUp))
        }
        try set(CURLOPT_USERAGENT, configuration.userAgent)
        try configureMethodAndBody()
        try configureTLS(configuration.tls)
        multi.manageSockets(of: easy)

        var headers = request.headers
        if let token = configuration.bearerToken, !headers.contains("Authorization") {
            headers.add("Authorization", "Bearer \(token)")
        }
        // curl would otherwise add `Expect: 100-continue` to large bodies and a form Content-Type.
        if !headers.contains("Expect") { headers.add("Expect", "") }
        if request.body != nil, !headers.contains("Content-Type") { headers.add("Content-Type", "") }
        for (name, value) in headers {
            // "Name:" with nothing after removes a header curl adds by default.
            headerList = curl_slist_append(headerList, value.isEmpty ? "\(name):" : "\(name): \(value)")
        }
        if let headerList { ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList) }
    }

    /// With a TLS server name, the URL names that host (so curl sends it as SNI and verifies the
    /// certificate against it) and CONNECT_TO sends the connection to the real one. A URL that is
    /// not `http(s)://host…` has no route: curl gets it as it is, and says what is wrong with it.
    private func configureRoute(_ route: Route?, _ configuration: HTTPClientConfiguration) throws(HTTPClientError) {
        self.route = route
        try set(CURLOPT_URL, route?.sentURL(request.url) ?? request.url)
        if let connectTo = route?.connectTo { try check(ccurl_easy_setopt_slist(easy, CURLOPT_CONNECT_TO, connectTo)) }
        let (proxy, noProxy) = route.map { ($0.proxy, $0.noProxy) } ?? Route.proxyOptions(configuration.proxy, loopback: false)
        if let proxy { try set(CURLOPT_PROXY, proxy) }
        if let noProxy { try set(CURLOPT_NOPROXY, noProxy) }
    }

    private func configureMethodAndBody() throws(HTTPClientError) {
        switch request.method {
        case .get where request.body == nil: ccurl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case .head: ccurl_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        case .post: break
        default: try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        if let body = request.body {
            ccurl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies, so the body's storage need not outlive this call.
                let pointer = bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }
                ccurl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, pointer ?? UnsafeMutableRawPointer(errorBuffer))
            }
        } else if request.method == .post {
            ccurl_easy_setopt_long(easy, CURLOPT_POST, 1)
            ccurl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, 0)
        }
    }

    private func configureTLS(_ tls: ClientTLSConfiguration) throws(HTTPClientError) {
        // Each connection keeps its TLS buffers between requests (see the shim).
        try check(ccurl_easy_keep_tls_buffers(easy))
        if tls.insecureSkipVerify {
            ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 0)
            ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 0)
        }
        try set(tls.certificateAuthority, file: CURLOPT_CAINFO, blob: CURLOPT_CAINFO_BLOB)
        try set(tls.clientCertificate, file: CURLOPT_SSLCERT, blob: CURLOPT_SSLCERT_BLOB)
        try set(tls.clientKey, file: CURLOPT_SSLKEY, blob: CURLOPT_SSLKEY_BLOB)
    }

    private func set(_ source: PEMSource?, file: CURLoption, blob: CURLoption) throws(HTTPClientError) {
        switch source {
        case nil: return
        case .file(let path): try set(file, path)
        case .pem(let text):
            var bytes = Array(text.utf8)
            let code = bytes.withUnsafeMutableBytes { ccurl_easy_setopt_blob(easy, blob, $0.baseAddress, $0.count) }
            try check(code)
        }
    }

    private func set(_ option: CURLoption, _ value: String) throws(HTTPClientError) {
        try check(ccurl_easy_setopt_string(easy, option, value))
    }

    private func check(_ code: CURLcode) throws(HTTPClientError) {
        guard code == CURLE_OK else { throw HTTPClientError(code: code, detail: "", request: request) }
    }

    private static func from(_ pointer: UnsafeMutableRawPointer?) -> Transfer {
        Unmanaged<Transfer>.fromOpaque(pointer!).takeUnretainedValue()
    }

    // MARK: curl callbacks

    /// Parses one header line as curl hands it over (CRLF included), on raw bytes: this runs for every
    /// header of every response.
    private func headerLine(_ raw: UnsafeRawBufferPointer) {
        var end = raw.count
        while end > 0, raw[end - 1] == UInt8(ascii: "\r") || raw[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: raw[..<end])
        if line.isEmpty {
            if let status, status.code >= 200 { deliverHead() }
        } else if line.starts(with: "HTTP/".utf8) {
            // A new header block (after 100 Continue or a redirect): start over.
            headers = HTTPHeaders()
            status = Self.parseStatusLine(line)
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            var valueStart = colon + 1
            while valueStart < line.count, line[valueStart] == UInt8(ascii: " ") || line[valueStart] == UInt8(ascii: "\t") {
                valueStart += 1
            }
            headers.add(
                String(decoding: UnsafeRawBufferPointer(rebasing: line[..<colon]), as: UTF8.self),
                String(decoding: UnsafeRawBufferPointer(rebasing: line[valueStart...]), as: UTF8.self))
        }
    }

    /// `HTTP/1.1 200 OK` → 200 "OK" (the reason may be absent).
    private static func parseStatusLine(_ line: UnsafeRawBufferPointer) -> HTTPStatus {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { return HTTPStatus(0) }
        var code = 0
        var index = space + 1
        while index < line.count, let digit = line[index].asciiDigit {
            code = code * 10 + digit
            index += 1
        }
        let reason = index + 1 < line.count ? String(decoding: UnsafeRawBufferPointer(rebasing: line[(index + 1)...]), as: UTF8.self) : nil
        return HTTPStatus(code, reason)
    }

    private func received(_ data: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        let bytes = UnsafeRawBufferPointer(start: data, count: count)
        if onComplete != nil {
            body.append(contentsOf: bytes)
            return count
        }
        deliverHead()
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: Array(bytes))
            return count
        }
        if buffered + count > streamBufferLimit, buffered > 0 {
            // curl keeps these bytes and hands them over again once `resume` unpauses the transfer.
            paused = true
            return ccurl_writefunc_pause()
        }
        chunks.append(Array(bytes))
        buffered += count
        return count
    }

    private func deliverHead() {
        guard let onHead, let status else { return }
        self.onHead = nil
        onHead.resume(returning: (status, headers))
    }

    // MARK: completion

    func complete(code: CURLcode) {
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            finish(.failure(HTTPClientError(code: code, detail: detail, request: request)))
            return
        }
        if status == nil {
            var code = 0
            ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
            status = HTTPStatus(code)
        }
        finish(.success(()))
    }

    var isFinished: Bool { outcome != nil }

    /// Hands the transfer to the multi that made it; one shut down (and gone) since fails it.
    func start() {
        if let multi {
            multi.add(self)
        } else {
            finish(.failure(HTTPClientError(.cancelled, "\(request.method) \(request.url): client is shut down")))
        }
    }

    /// Ends the transfer exactly once, waking whoever waits, and frees curl's resources.
    func finish(_ result: Result<Void, HTTPClientError>) {
        guard outcome == nil else { return }
        outcome = result
        switch result {
        case .success:
            onComplete?.resume(returning: HTTPClientResponse(status: status!, headers: headers, body: body))
            deliverHead()
            waiter?.resume(returning: nil)
        case .failure(let error):
            onComplete?.resume(throwing: error)
            onHead?.resume(throwing: error)
            waiter?.resume(throwing: error)
        }
        onComplete = nil
        onHead = nil
        waiter = nil
        body = []
        release()
    }

    private func release() {
        if let multi { multi.recycle(easy) } else { curl_easy_cleanup(easy) }
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        route = nil
        errorBuffer.deallocate()
    }

    func cancel() {
        // Once finished, `easy` may already serve another transfer (handles are recycled): hands off.
        guard outcome == nil else { return }
        let error = HTTPClientError(.cancelled, "\(request.method) \(request.url): cancelled")
        if let multi, multi.remove(self, error: error) { return }
        finish(.failure(error))
    }

    // MARK: streamed body

    /// The next bytes of a streamed body (everything buffered so far, joined), or nil at the end.
    func nextChunk() async throws -> [UInt8]? {
        if !chunks.isEmpty {
            var bytes = chunks[0]
            if chunks.count > 1 {
                bytes.reserveCapacity(buffered)
                for chunk in chunks.dropFirst() { bytes.append(contentsOf: chunk) }
            }
            chunks.removeAll(keepingCapacity: true)
            buffered = 0
            if paused {
                paused = false
                multi?.resume(self)
            }
            return bytes
        }
        switch outcome {
        case .success: return nil
        case .failure(let error): throw error
        case nil: break
        }
        return try await withTaskCancellationHandler { @LoopActor in
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: HTTPClientError(.cancelled, "\(request.method) \(request.url): cancelled"))
                } else {
                    waiter = continuation
                }
            }
        } onCancel: {
            Task { @LoopActor in self.cancel() }
        }
    }
}

extension UInt8 {
    fileprivate var asciiDigit: Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) ? Int(self - UInt8(ascii: "0")) : nil
    }
}
