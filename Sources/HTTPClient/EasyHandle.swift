import CCurl
import HTTP
import Loop

/// A curl easy handle set up once for one route of one client: what every request to that server
/// shares (callbacks, timeouts, TLS material, proxy, CONNECT_TO) is set when the handle is made, and
/// a request sets only its own options. Resetting the handle and setting everything again for each
/// request, TLS blobs included, was 6–8 % of the heartbeat's CPU.
@LoopActor
final class EasyHandle {
    let easy: UnsafeMutableRawPointer
    /// Kept for the handle's life: curl reads the route's CONNECT_TO list while connecting. Nil for
    /// a URL curl is given as it is (see `Route`); such a handle serves one request.
    let route: Route?
    let errorBuffer: UnsafeMutablePointer<CChar>
    /// For the pool's connections: curl's SSL once the handshake is done (written on the connecting
    /// thread, read on the loop after the connect is handed back).
    let handshaken: UnsafeMutablePointer<OpaquePointer?>

    /// `request` names the failure, if there is one. `multi` drives the handle's transfers; the pool's
    /// handles only connect, off the loop.
    init(route: Route?, configuration: HTTPClientConfiguration, multi: CurlMulti?, for request: HTTPClientRequest) throws(HTTPClientError) {
        guard let easy = curl_easy_init() else {
            throw HTTPClientError(.invalidRequest, "\(request.method) \(request.url): curl_easy_init failed")
        }
        self.easy = easy
        self.route = route
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(to: 0)
        handshaken = .allocate(capacity: 1)
        handshaken.initialize(to: nil)
        do throws(CurlOptionError) {
            try configure(configuration, multi: multi)
        } catch {
            throw HTTPClientError(code: error.code, detail: "", request: request)
        }
    }

    isolated deinit {
        curl_easy_cleanup(easy)
        errorBuffer.deallocate()
        handshaken.deallocate()
    }

    private func configure(_ configuration: HTTPClientConfiguration, multi: CurlMulti?) throws(CurlOptionError) {
        ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        ccurl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        ccurl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        ccurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
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
        try set(CURLOPT_USERAGENT, configuration.userAgent)
        if let connectTo = route?.connectTo { try check(ccurl_easy_setopt_slist(easy, CURLOPT_CONNECT_TO, connectTo)) }
        let (proxy, noProxy) = route.map { ($0.proxy, $0.noProxy) } ?? Route.proxyOptions(configuration.proxy, loopback: false)
        if let proxy { try set(CURLOPT_PROXY, proxy) }
        if let noProxy { try set(CURLOPT_NOPROXY, noProxy) }
        try configureTLS(configuration.tls)
        multi?.manageSockets(of: easy)
    }

    /// Makes the handle open (and secure) a connection to `url` and stop there (CURLOPT_CONNECT_ONLY),
    /// for the pool to frame requests over it.
    func connectOnly(url: String, request: HTTPClientRequest) throws(HTTPClientError) {
        do throws(CurlOptionError) {
            try set(CURLOPT_URL, url)
            try check(ccurl_easy_setopt_long(easy, CURLOPT_CONNECT_ONLY, 1))
            try check(ccurl_easy_pool_tls(easy, handshaken))
        } catch {
            throw HTTPClientError(code: error.code, detail: "", request: request)
        }
    }

    private func configureTLS(_ tls: ClientTLSConfiguration) throws(CurlOptionError) {
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

    private func set(_ source: PEMSource?, file: CURLoption, blob: CURLoption) throws(CurlOptionError) {
        switch source {
        case nil: return
        case .file(let path): try set(file, path)
        case .pem(let text):
            var bytes = Array(text.utf8)
            try check(bytes.withUnsafeMutableBytes { ccurl_easy_setopt_blob(easy, blob, $0.baseAddress, $0.count) })
        }
    }

    // MARK: per request

    /// Sets what is the request's own, replacing what the handle's last request set. `me` receives
    /// the response through the callbacks; `headers` must outlive the transfer.
    func prepare(_ request: HTTPClientRequest, timeout: Duration?, headers: UnsafeMutablePointer<curl_slist>?, me: UnsafeMutableRawPointer) throws(CurlOptionError) {
        errorBuffer[0] = 0
        try set(CURLOPT_URL, route?.sentURL(request.url) ?? request.url)
        ccurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, me)
        ccurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, me)
        ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, timeout.map { Int($0.millisecondsRoundedUp) } ?? 0)
        try setMethodAndBody(request)
        try check(ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headers))
    }

    private func setMethodAndBody(_ request: HTTPClientRequest) throws(CurlOptionError) {
        // Back to a GET without a body: POSTFIELDS frees the last request's copied body, HTTPGET
        // turns off POST, NOBODY and upload.
        ccurl_easy_setopt_pointer(easy, CURLOPT_POSTFIELDS, nil)
        ccurl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, -1)
        ccurl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
        // curl sends GET, HEAD and POST itself; any other method, or a GET with a body, is named.
        switch request.method {
        case .get where request.body == nil, .head, .post: try check(ccurl_easy_setopt_pointer(easy, CURLOPT_CUSTOMREQUEST, nil))
        default: try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        if request.method == .head { ccurl_easy_setopt_long(easy, CURLOPT_NOBODY, 1) }
        if let body = request.body {
            ccurl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            try check(body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies, so the body's storage need not outlive this call.
                let pointer = bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }
                return ccurl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, pointer ?? UnsafeMutableRawPointer(errorBuffer))
            })
        } else if request.method == .post {
            ccurl_easy_setopt_long(easy, CURLOPT_POST, 1)
            ccurl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, 0)
        }
    }

    private func set(_ option: CURLoption, _ value: String) throws(CurlOptionError) {
        try check(ccurl_easy_setopt_string(easy, option, value))
    }

    private func check(_ code: CURLcode) throws(CurlOptionError) {
        guard code == CURLE_OK else { throw CurlOptionError(code: code) }
    }
}

/// A curl option that could not be set (out of memory, or a value curl refuses).
struct CurlOptionError: Error {
    let code: CURLcode
}
