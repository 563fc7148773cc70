import CCurl
import CLibUV
import Glibc
import HTTP
import Loop

/// One connection of the pool. curl opens and secures it (CURLOPT_CONNECT_ONLY, on libuv's thread
/// pool, as a blocking connect must not stall the loop); requests go out one at a time, and their
/// answers come back, through OpenSSL on curl's SSL (or the socket, for plain HTTP) directly, or over
/// `curl_easy_send` and `curl_easy_recv` when curl's TLS backend is not OpenSSL. The socket stays
/// polled for input from the first request to the close: between requests that costs nothing, and it
/// tells at once when the server closes a kept connection.
@LoopActor
final class PooledConnection {
    enum State { case connecting, busy, idle, closed }

    let route: PoolRoute
    private let handle: EasyHandle
    private weak var pool: ConnectionPool?
    private(set) var state = State.connecting
    /// The request on the connection, or waiting for it to open.
    private(set) var exchange: Exchange?
    /// Requests answered on it: a kept connection the server closed may be retried elsewhere.
    private(set) var answered = 0
    private(set) var idleSince: UInt64 = 0
    private var poll: UnsafeMutablePointer<uv_poll_t>?
    private var events: Int32 = 0
    private var sent = 0
    private let parser = ResponseParser()
    /// Set when the pool does the connection's I/O itself (see `ccurl_wire_send`): curl's SSL, or nil
    /// for plain TCP.
    private var direct = false
    private var ssl: OpaquePointer?
    private var socket: curl_socket_t = -1
    /// The socket BIO given to curl's SSL objects: one for the process.
    private static let socketBIO = ccurl_wire_bio_method_new()

    init(route: PoolRoute, handle: EasyHandle, pool: ConnectionPool) {
        self.route = route
        self.handle = handle
        self.pool = pool
    }

    var isWatched: Bool { events != 0 }
    var isDirect: Bool { direct }

    // MARK: opening

    /// Opens the connection for `exchange`, which is sent once it is open.
    func open(for exchange: Exchange) {
        self.exchange = exchange
        let queued = ConnectStart(easy: handle.easy, connection: self).run()
        if queued != 0 {
            let reason = String(cString: uv_strerror(queued))
            // Not from within the caller's dispatch: the request fails on the next loop turn.
            EventLoop.shared.execute { LoopActor.assumeIsolated { self.failOpening("cannot queue the connect: \(reason)") } }
        }
    }

    fileprivate func opened(_ code: CURLcode) {
        guard state == .connecting else { return }  // closed meanwhile: the client shut down
        guard code == CURLE_OK else {
            let detail = String(cString: handle.errorBuffer)
            if let exchange { exchange.fail(HTTPClientError(code: code, detail: detail, request: exchange.request)) }
            exchange = nil
            close()
            return
        }
        var socket: curl_socket_t = -1
        ccurl_easy_getinfo_socket(handle.easy, &socket)
        guard socket >= 0 else { return failOpening("curl reported no socket") }
        self.socket = socket
        if route.secure {
            direct = ccurl_wire_adopt_tls(handle.handshaken.pointee, socket, Self.socketBIO) != 0
            if direct { ssl = handle.handshaken.pointee }
        } else {
            direct = true
        }
        let poll = LoopHandles.allocate(uv_poll_t.self)
        uv_poll_init_socket(EventLoop.shared.uv, poll, socket)
        LoopHandles.attach(self, to: cuv_handle(poll))
        self.poll = poll
        if let exchange {
            begin(exchange)
        } else {
            // Its request gave up (cancelled, timed out) while it opened: keep it for the next one.
            pool?.release(self)
        }
    }

    private func failOpening(_ reason: String) {
        if let exchange { exchange.fail(HTTPClientError(.connect, detail: reason, request: exchange.request)) }
        exchange = nil
        close()
    }

    // MARK: one request

    /// Sends `exchange` on this open connection.
    func begin(_ exchange: Exchange) {
        state = .busy
        self.exchange = exchange
        sent = 0
        parser.reset(skipsBody: exchange.request.method == .head)
        send()
    }

    private func send() {
        guard let exchange else { return }
        let wire = exchange.wire
        while sent < wire.count {
            var count = 0
            // A send that would block is retried with the same bytes at the same address, as OpenSSL requires.
            let code = wire.withUnsafeBytes { write($0.baseAddress! + sent, $0.count - sent, &count) }
            if code == CURLE_AGAIN { return watch(Int32(UV_WRITABLE.rawValue)) }
            guard code == CURLE_OK else { return fail(code, mayRetry: true) }
            sent += count
        }
        watch(Int32(UV_READABLE.rawValue))
    }

    private func receive() {
        guard let pool else { return }
        let buffer = pool.receiveBuffer
        while state == .busy {
            var count = 0
            let code = read(into: buffer, &count)
            if code == CURLE_AGAIN { return awaitInput() }
            guard code == CURLE_OK else { return fail(code, mayRetry: parser.receivedBytes == 0) }
            let outcome = count == 0
                ? parser.executeEndOfStream() : parser.execute(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            switch outcome {
            case .incomplete: continue
            case .complete(let reusable): return complete(reusable: reusable)
            case .failed(let reason):
                let closedEarly = count == 0 && parser.receivedBytes == 0
                return fail(HTTPClientError(.transport, detail: reason, request: exchange!.request), mayRetry: closedEarly)
            }
        }
    }

    private func complete(reusable: Bool) {
        let exchange = exchange!
        self.exchange = nil
        answered += 1
        let response = HTTPClientResponse(status: parser.status, headers: parser.headers, body: parser.body)
        if reusable, let pool {
            pool.release(self)
        } else {
            close()
        }
        exchange.succeed(response)
    }

    private func fail(_ code: CURLcode, mayRetry: Bool) {
        let detail = String(cString: handle.errorBuffer)
        fail(HTTPClientError(code: code, detail: detail, request: exchange!.request), mayRetry: mayRetry)
    }

    /// Ends the request with `error`, or has the pool send it again when a kept connection broke before
    /// any answer came: the server had closed it (idle timeout, restart) as the request went out. curl
    /// does the same, whatever the method.
    private func fail(_ error: HTTPClientError, mayRetry: Bool) {
        let exchange = exchange!
        self.exchange = nil
        let retry = mayRetry && answered > 0
        close()
        if retry, let pool { pool.retry(exchange) } else { exchange.fail(error) }
    }

    /// The request gave up (cancelled, timed out): a connection still opening is kept for the next
    /// request; one in the middle of a request cannot be used again.
    func abandon() {
        exchange = nil
        if state == .busy { close() }
    }

    // MARK: between requests

    func becomeIdle(at now: UInt64) {
        state = .idle
        idleSince = now
        watch(Int32(UV_READABLE.rawValue))
    }

    /// Input on an idle connection: TLS housekeeping (a session ticket) is read and dropped; an end of
    /// stream, an error or bytes nobody asked for close it.
    private func idleInput() {
        guard let pool else { return close() }
        var count = 0
        if read(into: pool.receiveBuffer, &count) == CURLE_AGAIN { awaitInput() } else { close() }
    }

    func close() {
        guard state != .closed else { return }
        if state == .idle, let index = route.idle.firstIndex(where: { $0 === self }) { route.idle.remove(at: index) }
        state = .closed
        events = 0
        // Unregistered from epoll now, before curl closes the socket with the handle.
        if let poll { LoopHandles.close(cuv_handle(poll)) }
        poll = nil
        pool?.forget(self)
    }

    // MARK: the socket

    private func write(_ bytes: UnsafeRawPointer, _ count: Int, _ sent: inout Int) -> CURLcode {
        direct ? ccurl_wire_send(ssl, socket, bytes, count, &sent, handle.errorBuffer) : curl_easy_send(handle.easy, bytes, count, &sent)
    }

    private func read(into buffer: UnsafeMutableRawBufferPointer, _ count: inout Int) -> CURLcode {
        direct
            ? ccurl_wire_recv(ssl, socket, buffer.baseAddress, buffer.count, &count, handle.errorBuffer)
            : curl_easy_recv(handle.easy, buffer.baseAddress, buffer.count, &count)
    }

    /// Reading stopped for want of input, or, rarely, for want of room to send (OpenSSL answering a
    /// TLS 1.3 key update): the socket is watched for what OpenSSL waits for.
    private func awaitInput() {
        let writable = ccurl_wire_wants_write(ssl) != 0 ? Int32(UV_WRITABLE.rawValue) : 0
        watch(Int32(UV_READABLE.rawValue) | writable)
    }

    private func watch(_ wanted: Int32) {
        guard let poll, wanted != events else { return }
        events = wanted
        uv_poll_start(poll, wanted) { poll, _, _ in
            LoopActor.assumeIsolated {
                LoopHandles.owner(of: cuv_handle(poll!), as: PooledConnection.self)?.ready()
            }
        }
    }

    /// An error status is left to the next send or receive, which reads curl's account of it.
    private func ready() {
        switch state {
        case .busy: if let exchange, sent < exchange.wire.count { send() } else { receive() }
        case .idle: idleInput()
        case .connecting, .closed: break
        }
    }
}

/// What a connect on libuv's thread pool needs: the handle to connect, whom to tell, and curl's
/// result. The worker thread writes `code` before libuv hands the request back to the loop, which
/// reads it after; nothing else is touched off the loop.
private final class ConnectStart {
    let easy: UnsafeMutableRawPointer
    let connection: PooledConnection
    var code = CURLE_OK

    init(easy: UnsafeMutableRawPointer, connection: PooledConnection) {
        self.easy = easy
        self.connection = connection
    }

    /// Queues the connect on libuv's thread pool (`UV_THREADPOOL_SIZE`, 4 by default); the result
    /// reaches the connection on the loop. A few long-lived threads rather than one per connection:
    /// the allocations a handshake leaves behind (OpenSSL's and curl's state for the connection) then
    /// share a few threads' heaps instead of spreading over a hundred abandoned ones (0.2 KiB more
    /// memory per pod). Nonisolated: a closure formed on the loop's actor would be checked at run
    /// time to run there. Call on the loop.
    nonisolated func run() -> Int32 {
        let request = UnsafeMutablePointer<uv_work_t>.allocate(capacity: 1)
        request.pointee.data = Unmanaged.passRetained(self).toOpaque()
        let queued = uv_queue_work(EventLoop.shared.uv, request, { request in
            let start = Unmanaged<ConnectStart>.fromOpaque(request!.pointee.data).takeUnretainedValue()
            start.code = curl_easy_perform(start.easy)
        }, { request, _ in
            let start = Unmanaged<ConnectStart>.fromOpaque(request!.pointee.data).takeRetainedValue()
            request!.deallocate()
            let (connection, code) = (start.connection, start.code)
            LoopActor.assumeIsolated { connection.opened(code) }
        })
        if queued != 0 {
            Unmanaged<ConnectStart>.fromOpaque(request.pointee.data).release()
            request.deallocate()
        }
        return queued
    }
}
