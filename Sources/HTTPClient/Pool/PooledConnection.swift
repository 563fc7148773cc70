import CCurl
import CLibUV
import Glibc
import HTTP
import Loop

/// One connection of the pool. curl opens and secures it (CURLOPT_CONNECT_ONLY, on libuv's thread
/// pool, as a blocking connect must not stall the loop); requests go out and their answers come back
/// through OpenSSL on curl's SSL (or the socket, for plain HTTP) directly, or over `curl_easy_send` and
/// `curl_easy_recv` when curl's TLS backend is not OpenSSL.
///
/// Requests that may be sent again (see `Exchange.pipelines`) are pipelined: those that join in one
/// loop turn leave in one write, and their answers are read in order. A heartbeat's lease renewals,
/// due together on their grid, then cost one TLS record and one `send` for many instead of one each.
/// The socket stays polled for input from the first request to the close: between requests that
/// costs nothing, and it tells at once when the server closes a kept connection.
@LoopActor
final class PooledConnection {
    enum State { case connecting, busy, idle, closed }

    let route: PoolRoute
    private let handle: EasyHandle
    private weak var pool: ConnectionPool?
    private(set) var state = State.connecting
    /// The requests on the connection, in the order they were sent: the first is being answered.
    private(set) var exchanges: [Exchange] = []
    /// Requests answered on it: a kept connection the server closed may be retried elsewhere.
    private(set) var answered = 0
    private(set) var idleSince: UInt64 = 0
    private var poll: UnsafeMutablePointer<uv_poll_t>?
    private var events: Int32 = 0
    /// The bytes being written, left untouched until all are sent (OpenSSL retries a write with the
    /// same buffer), and how many of them went.
    private var writing: [UInt8] = []
    private var written = 0
    /// Requests that joined since: they go with the next write.
    private var gathered: [UInt8] = []
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

    /// Whether `exchange` may follow the requests on this connection, open or opening: only behind
    /// requests that may be sent again, as it too may have to go again if the connection breaks
    /// before its answer.
    func canPipeline(_ exchange: Exchange) -> Bool {
        (state == .busy || state == .connecting) && exchanges.count < ConnectionPool.pipelineDepth && exchange.pipelines && exchanges.allSatisfy(\.pipelines)
    }

    // MARK: opening

    /// Opens the connection for `exchange`, which is sent once it is open.
    func open(for exchange: Exchange) {
        exchanges = [exchange]
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
            return failWaiting { HTTPClientError(code: code, detail: detail, request: $0) }
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
        if !exchanges.isEmpty {
            let waiting = exchanges
            exchanges = []
            state = .busy
            for exchange in waiting { begin(exchange) }
        } else {
            // Its request gave up (cancelled, timed out) while it opened: keep it for the next one.
            pool?.release(self)
        }
    }

    private func failOpening(_ reason: String) {
        failWaiting { HTTPClientError(.connect, detail: reason, request: $0) }
    }

    /// The connection did not open: every request waiting for it fails, none goes again.
    private func failWaiting(_ error: (HTTPClientRequest) -> HTTPClientError) {
        let waiting = exchanges
        exchanges = []
        close()
        for exchange in waiting { exchange.fail(error(exchange.request)) }
    }

    // MARK: requests

    /// Sends `exchange` on this connection, idle or (see `canPipeline`) busy, or once it is open: its
    /// bytes join those gathered in this loop turn, which the pool flushes at the turn's end.
    func begin(_ exchange: Exchange) {
        guard state != .connecting else { return exchanges.append(exchange) }
        if exchanges.isEmpty { parser.reset(skipsBody: exchange.request.method == .head) }
        state = .busy
        exchanges.append(exchange)
        gathered.append(contentsOf: exchange.wire)
        pool?.flushSoon(self)
    }

    /// Writes what was gathered, unless a write is still under way (it follows that one).
    func flush() {
        guard state == .busy, written == writing.count, !gathered.isEmpty else { return }
        swap(&writing, &gathered)
        gathered.removeAll(keepingCapacity: true)
        written = 0
        send()
    }

    private func send() {
        while written < writing.count {
            var count = 0
            // A send that would block is retried with the same bytes at the same address, as OpenSSL requires.
            let code = writing.withUnsafeBytes { write($0.baseAddress! + written, $0.count - written, &count) }
            if code == CURLE_AGAIN { return awaitIO() }
            guard code == CURLE_OK else { return fail(code, mayRetry: true) }
            written += count
        }
        if !gathered.isEmpty { return flush() }
        awaitIO()
    }

    private func receive() {
        guard let pool else { return }
        let buffer = pool.receiveBuffer
        while state == .busy {
            var count = 0
            let code = read(into: buffer, &count)
            if code == CURLE_AGAIN { return awaitIO() }
            guard code == CURLE_OK else { return fail(code, mayRetry: parser.receivedBytes == 0) }
            if count == 0 { return _ = parse(nil) }
            if !parse(UnsafeRawBufferPointer(rebasing: buffer[..<count])) { return }
            // Answers to pipelined requests are still due: a short read that OpenSSL holds nothing
            // beyond means the socket is drained, and the poll says when more comes.
            if direct, count < buffer.count, ccurl_wire_has_pending(ssl) == 0 { return awaitIO() }
        }
    }

    /// Parses `bytes` (nil: the end of the stream) into the answers of the requests in order; false
    /// when the connection is done with.
    private func parse(_ bytes: UnsafeRawBufferPointer?) -> Bool {
        var rest = bytes ?? UnsafeRawBufferPointer(start: nil, count: 0)
        repeat {
            let outcome = bytes == nil ? parser.executeEndOfStream() : parser.execute(rest)
            switch outcome {
            case .incomplete:
                return true
            case .complete(let keepAlive, let consumed):
                rest = UnsafeRawBufferPointer(rebasing: rest[consumed...])
                // Bytes after the last answer: the connection cannot be trusted with another request.
                let next = exchanges.count > 1 ? exchanges[1] : nil
                guard complete(reusable: keepAlive && (next != nil || rest.isEmpty)) else { return false }
                parser.reset(skipsBody: next?.request.method == .head)
                if next == nil { return false }
            case .failed(let reason):
                let closedEarly = bytes == nil && parser.receivedBytes == 0
                fail(HTTPClientError(.transport, detail: reason, request: exchanges[0].request), mayRetry: closedEarly)
                return false
            }
        } while !rest.isEmpty
        return true
    }

    /// Hands the first request its answer; false when the connection closed.
    private func complete(reusable: Bool) -> Bool {
        let exchange = exchanges.removeFirst()
        answered += 1
        let response = HTTPClientResponse(status: parser.status, headers: parser.headers, body: parser.body)
        if !reusable {
            close()
        } else if exchanges.isEmpty, let pool {
            pool.release(self)
        }
        exchange.succeed(response)
        return state == .busy
    }

    private func fail(_ code: CURLcode, mayRetry: Bool) {
        guard !exchanges.isEmpty else { return close() }
        let detail = String(cString: handle.errorBuffer)
        fail(HTTPClientError(code: code, detail: detail, request: exchanges[0].request), mayRetry: mayRetry)
    }

    /// Ends the first request with `error`, or has the pool send it again when a kept connection broke
    /// before any answer came: the server had closed it (idle timeout, restart) as the request went out.
    /// curl does the same, whatever the method. The requests behind it go again.
    private func fail(_ error: HTTPClientError, mayRetry: Bool) {
        let first = exchanges.removeFirst()
        let retry = mayRetry && answered > 0
        close()
        if retry, let pool { pool.retry(first) } else { first.fail(error) }
    }

    /// `exchange` gave up (cancelled, timed out): a connection still opening is kept for the next
    /// request; one that sent it cannot be used again, and the requests behind it go again.
    func abandon(_ exchange: Exchange) {
        guard let index = exchanges.firstIndex(where: { $0 === exchange }) else { return }
        exchanges.remove(at: index)
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
        if read(into: pool.receiveBuffer, &count) == CURLE_AGAIN { awaitIO() } else { close() }
    }

    /// Closes the connection; requests still on it are sent again on others.
    func close() {
        guard state != .closed else { return }
        if state == .idle, let index = route.idle.firstIndex(where: { $0 === self }) { route.idle.remove(at: index) }
        state = .closed
        events = 0
        // Unregistered from epoll now, before curl closes the socket with the handle.
        if let poll { LoopHandles.close(cuv_handle(poll)) }
        poll = nil
        pool?.forget(self)
        let behind = exchanges
        exchanges = []
        for exchange in behind {
            if let pool { pool.retry(exchange) } else { exchange.refuse() }
        }
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

    /// The socket is watched for input, always: answers are read while later requests still go out,
    /// or a server that waits for its answers to be read before it reads on would wait forever. It is
    /// watched for room to send while bytes wait to go, and, rarely, when OpenSSL must send to read on
    /// (answering a TLS 1.3 key update).
    private func awaitIO() {
        let sending = written < writing.count || ccurl_wire_wants_write(ssl) != 0
        watch(Int32(UV_READABLE.rawValue) | (sending ? Int32(UV_WRITABLE.rawValue) : 0))
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
        case .busy:
            if written < writing.count { send() }
            if state == .busy { receive() }
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
