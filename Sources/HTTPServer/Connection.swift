import CLibUV
import Glibc
import HTTP
import Loop

/// One accepted TCP connection: socket I/O, TLS, deadlines and closing. The HTTP exchange lives in
/// ConnectionExchange.swift.
@LoopActor
final class Connection {
    enum Mode {
        case http
        /// The parser stopped at an upgrade request; later bytes wait in `upgradeLeftover`.
        case upgradePending
        case upgraded(UpgradedStream)
        /// After an error, while stopping or closing: input is read and dropped.
        case ignoring
    }

    enum DeadlineKind { case none, headers, body, idle, linger }

    static let lingerTimeout: Duration = .seconds(2)

    let server: HTTPServer
    let router: Router
    let handle: UnsafeMutablePointer<uv_tcp_t>
    let parser: RequestParser
    let tls: TLSSession?
    let highWaterMark: Int
    private let clock: any LoopClock
    /// `UVClock` is read directly: going through the actor-isolated protocol costs an executor check.
    private let realClock: Bool
    private let headerTimeout: Duration
    private let idleTimeout: Duration

    /// Plaintext waiting for `flush`.
    let outbound = ByteBuffer()
    private let ciphertext = ByteBuffer()

    var mode = Mode.http
    var upgradeLeftover: [UInt8] = []
    private(set) var isClosed = false
    /// `uv_shutdown` was issued: nothing more may be written.
    private(set) var shutdownIssued = false
    private var shutdownDone = false
    private var eofReceived = false
    private var readPaused = false
    /// A flush waits for the end of the loop turn (`flushAtTurnEnd`).
    private var flushPending = false
    private var peerKnown = false
    private(set) var pendingWriteBytes = 0
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []
    private(set) var deadline: LoopInstant?
    private var deadlineKind = DeadlineKind.none

    // The HTTP exchange (ConnectionExchange.swift).
    /// Parsed requests waiting for their turn; `queue[queueHead...]` are pending.
    var queue: [ParsedRequest?] = []
    var queueHead = 0
    /// A parse failure, answered after the requests before it; then the connection closes.
    var pendingFailure: RequestParser.Failure?
    var active: StreamingResponse?
    var handlerTask: Task<Void, Never>?
    /// The server is stopping: answer what was received, then close.
    var closeAfterResponses = false

    init(server: HTTPServer, handle: UnsafeMutablePointer<uv_tcp_t>, tls: TLSSession?, remoteAddress: String) {
        let configuration = server.configuration
        self.server = server
        router = server.router
        self.handle = handle
        self.tls = tls
        self.clock = configuration.clock
        realClock = configuration.clock is UVClock
        self.headerTimeout = configuration.headerTimeout
        self.idleTimeout = configuration.idleTimeout
        self.highWaterMark = max(configuration.writeHighWaterMark, 0)
        parser = RequestParser(maxHeaderBytes: configuration.maxHeaderBytes, maxBodyBytes: configuration.maxBodyBytes)
        parser.remoteAddress = remoteAddress
    }

    var stream: UnsafeMutablePointer<uv_stream_t> { cuv_stream(handle) }

    func start() {
        setDeadline(.headers)
        if !startReading() { closeNow() }
    }

    // MARK: - Reading

    private func startReading() -> Bool {
        uv_read_start(stream, onAllocate, onReadCompleted) == 0
    }

    func didRead(_ nread: Int) {
        guard !isClosed else { return }
        if nread < 0 {
            peerClosed(error: nread != Int(UV_EOF.rawValue))
            return
        }
        guard nread > 0 else { return }
        let bytes = UnsafeRawBufferPointer(start: ReadBuffers.socket.memory.baseAddress, count: nread)
        if shutdownIssued { return }  // lingering: drop input until the peer closes
        if let tls { decrypt(bytes, tls) } else { receive(bytes) }
        guard !isClosed else { return }
        flush()
        refreshDeadline()
        updateReading()
    }

    private func decrypt(_ bytes: UnsafeRawBufferPointer, _ tls: TLSSession) {
        tls.feed(bytes)
        while !isClosed {
            let result = tls.read(into: ReadBuffers.plaintext.memory)
            if !peerKnown, tls.handshakeComplete {
                peerKnown = true
                parser.tlsPeer = tls.peer()
            }
            switch result {
            case .data(let n):
                receive(UnsafeRawBufferPointer(start: ReadBuffers.plaintext.memory.baseAddress, count: n))
            case .wantMore:
                return
            case .closed:
                flush()
                peerClosed(error: false)
                return
            case .failed:
                // A failed handshake (no or untrusted client certificate, …) or a broken record:
                // send the alert OpenSSL queued, then close. Handlers never see this connection.
                mode = .ignoring
                closeGracefully()
                return
            }
        }
    }

    /// Pauses reading while too much is buffered for the handlers (pipelined requests behind a slow
    /// response, bytes behind an upgrade request that is not answered yet).
    func updateReading() {
        guard !isClosed, !eofReceived else { return }
        let backlog = queue.count - queueHead >= 16 || upgradeLeftover.count > 1 << 20
        if backlog, !readPaused {
            uv_read_stop(stream)
            readPaused = true
        } else if !backlog, readPaused {
            readPaused = false
            if !startReading() { closeNow() }
        }
    }

    /// EOF or a read error.
    private func peerClosed(error: Bool) {
        eofReceived = true
        uv_read_stop(stream)
        if error || shutdownDone {
            closeNow()
        } else if shutdownIssued {
            return  // the shutdown callback closes
        } else if active != nil || mode.isUpgraded {
            closeNow()  // the client of a streaming or upgraded exchange is gone
        } else if pendingWriteBytes > 0 || !outbound.isEmpty {
            closeGracefully()  // finish sending what was answered
        } else {
            closeNow()
        }
    }

    // MARK: - Writing

    /// Sends everything in `outbound` (encrypting first with TLS): one write for all of it.
    func flush() {
        guard !isClosed else {
            outbound.clear()
            return
        }
        if let tls {
            if !outbound.isEmpty {
                let ok = tls.write(outbound.bytes)
                outbound.clear()
                guard ok else {
                    closeNow()
                    return
                }
            }
            guard tls.hasCiphertext, !shutdownIssued else { return }
            tls.drainCiphertext(into: ciphertext)
            writeToSocket(ciphertext)
        } else {
            guard !outbound.isEmpty, !shutdownIssued else { return }
            writeToSocket(outbound)
        }
    }

    /// Flushes at the end of this loop turn: answers to pipelined requests handled in the same turn
    /// then leave in one write, one TLS record and one segment for the client to read.
    func flushAtTurnEnd() {
        guard !flushPending else { return }
        flushPending = true
        LoopActor.atTurnEnd { [weak self] in
            guard let self else { return }
            flushPending = false
            flush()
        }
    }

    private func writeToSocket(_ buffer: ByteBuffer) {
        let total = buffer.count
        guard total > 0, let base = buffer.base else { return }
        let maxSlice = Int(Int32.max)  // uv_buf_t lengths are 32-bit
        var written = 0
        if pendingWriteBytes == 0 {
            var slice = uv_buf_init(base.assumingMemoryBound(to: CChar.self), UInt32(min(total, maxSlice)))
            let result = uv_try_write(stream, &slice, 1)
            if result >= 0 {
                written = Int(result)
            } else if result != UV_EAGAIN.rawValue {
                buffer.clear()
                closeNow()
                return
            }
        }
        if written == total {
            buffer.clear()
            return
        }
        // Queue the rest, handing the storage over instead of copying it.
        let storage = buffer.takeStorage()!
        let request = PendingWrite.make(storage: storage, length: total - written)
        pendingWriteBytes += total - written
        var slices = stride(from: written, to: total, by: maxSlice).map { offset in
            uv_buf_init((storage + offset).assumingMemoryBound(to: CChar.self), UInt32(min(maxSlice, total - offset)))
        }
        let result = uv_write(request, stream, &slices, UInt32(slices.count), onWriteCompleted)
        if result != 0 {
            _ = PendingWrite.release(request)
            pendingWriteBytes -= total - written
            closeNow()
        }
    }

    func writeCompleted(_ length: Int, status: Int32) {
        pendingWriteBytes -= length
        if status < 0 {
            closeNow()
            return
        }
        if pendingWriteBytes <= highWaterMark / 2 { resumeDrainWaiters() }
    }

    /// Suspends while more than the high-water mark is queued; throws once the connection is closed
    /// with bytes still undelivered.
    func waitForDrain() async throws {
        while pendingWriteBytes > highWaterMark {
            if isClosed { throw HTTPWriteError.connectionClosed }
            await withCheckedContinuation { drainWaiters.append($0) }
        }
    }

    private func resumeDrainWaiters() {
        guard !drainWaiters.isEmpty else { return }
        let waiters = drainWaiters
        drainWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when the connection is closed.
    func waitUntilClosed() async {
        guard !isClosed else { return }
        await withCheckedContinuation { closeWaiters.append($0) }
    }

    // MARK: - Closing

    /// Sends what is queued (and TLS close_notify), shuts the write side down, then waits briefly for
    /// the peer to close so that unread input does not turn the close into a reset.
    func closeGracefully() {
        guard !isClosed, !shutdownIssued else { return }
        if case .upgraded(let upgraded) = mode { upgraded.finish() }
        mode = .ignoring
        dropQueue()
        if let tls {
            flush()  // answers already queued go before the close_notify
            guard !isClosed else { return }
            tls.shutdown()
        }
        flush()
        guard !isClosed else { return }
        shutdownIssued = true
        setDeadline(.linger)
        let request = LoopHandles.allocate(uv_shutdown_t.self)  // a request, freed in the callback
        let result = uv_shutdown(request, stream, onShutdownCompleted)
        if result != 0 {
            free(request)
            closeNow()
        } else if readPaused {
            readPaused = false
            if !eofReceived, !startReading() { closeNow() }
        }
    }

    func shutdownCompleted(_ status: Int32) {
        shutdownDone = true
        // While the server stops there is no point waiting for the peer to close first.
        if status < 0 || eofReceived || server.isStopping { closeNow() }
    }

    /// Closes the socket at once; writers and waiters learn that the connection is gone.
    func closeNow() {
        guard !isClosed else { return }
        isClosed = true
        deadline = nil
        outbound.clear()
        LoopHandles.close(cuv_handle(handle))
        if case .upgraded(let upgraded) = mode { upgraded.finish() }
        mode = .ignoring
        dropQueue()
        upgradeLeftover = []
        active = nil
        handlerTask?.cancel()
        handlerTask = nil
        resumeDrainWaiters()
        let waiters = closeWaiters
        closeWaiters = []
        for waiter in waiters { waiter.resume() }
        server.connectionClosed(self)
    }

    // MARK: - Deadlines (enforced by the server's sweep)

    private var now: LoopInstant { realClock ? LoopInstant(nanoseconds: uv_hrtime()) : clock.now }

    func setDeadline(_ kind: DeadlineKind) {
        deadlineKind = kind
        switch kind {
        case .none: deadline = nil
        case .headers: deadline = now + headerTimeout
        case .body, .idle: deadline = now + idleTimeout
        case .linger: deadline = now + Self.lingerTimeout
        }
    }

    /// Recomputes the deadline after input or a finished response.
    func refreshDeadline() {
        guard !isClosed, !shutdownIssued else { return }
        switch mode {
        case .upgraded, .upgradePending:
            setDeadline(.none)
            return
        case .http, .ignoring:
            break
        }
        if active != nil || queueHead < queue.count {
            setDeadline(.none)
            return
        }
        switch parser.phase {
        case .headers: if deadlineKind != .headers { setDeadline(.headers) }
        case .body: setDeadline(.body)  // progress restarts the clock
        case .idle: if deadlineKind != .idle { setDeadline(.idle) }
        }
    }

    /// Forgets the current deadline kind so the next refresh starts a new period.
    func noteActivity() { deadlineKind = .none }

    func timedOut() { closeNow() }

    private func dropQueue() {
        queue.removeAll()
        queueHead = 0
        pendingFailure = nil
    }

    var isLingering: Bool { shutdownIssued }
    var hasFinishedShutdown: Bool { shutdownDone }
}

extension Connection.Mode {
    var isUpgraded: Bool {
        if case .upgraded = self { return true }
        return false
    }

    var isUpgradePending: Bool {
        if case .upgradePending = self { return true }
        return false
    }
}
