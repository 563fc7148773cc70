import CHTTPParser
import CLibUV
import Glibc
import HTTP
import Loop

/// An HTTP/1.1 (optionally HTTPS) server on the shared event loop.
///
/// Cheap `.immediate` handlers run synchronously inside the read callback and every response produced
/// by one read goes out in one write; `.streaming` handlers run as tasks on the loop. Requests on a
/// connection are answered strictly in order.
@LoopActor
public final class HTTPServer {
    let configuration: HTTPServerConfiguration
    let router: Router
    private let tlsContext: TLSContext?

    private var listener: UnsafeMutablePointer<uv_tcp_t>?
    private var listenerOpen = false
    private var boundPort = 0
    private var started = false
    private var connections: [ObjectIdentifier: Connection] = [:]
    /// Accepted connections whose handle has not finished closing.
    private var openHandles = 0
    private(set) var isStopping = false
    private var sweeper: RepeatingTimer?
    private var graceTimer: (any TimerHandle)?
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []

    /// http-parser's own header limit is process-wide; it is only ever raised.
    private static var parserHeaderLimit = 80 * 1024

    public init(configuration: HTTPServerConfiguration, router: Router) throws {
        guard configuration.maxHeaderBytes > 0, configuration.maxBodyBytes >= 0 else {
            throw HTTPServerError.invalidConfiguration("maxHeaderBytes must be positive and maxBodyBytes not negative")
        }
        guard (0...65535).contains(configuration.port) else {
            throw HTTPServerError.invalidConfiguration("port \(configuration.port) is out of range")
        }
        guard configuration.headerTimeout > .zero, configuration.idleTimeout > .zero else {
            throw HTTPServerError.invalidConfiguration("timeouts must be positive")
        }
        self.configuration = configuration
        self.router = router
        tlsContext = try configuration.tls.map { tls throws(HTTPServerError) in try TLSContext(tls) }
        let wanted = min(configuration.maxHeaderBytes, Int(UInt32.max) - 16 * 1024) + 16 * 1024
        if wanted > Self.parserHeaderLimit {
            Self.parserHeaderLimit = wanted
            http_parser_set_max_header_size(UInt32(wanted))
        }
    }

    /// The bound port (useful with port 0); 0 before `start`.
    public var port: Int { boundPort }

    /// Open connections, including ones whose socket is still closing.
    public var connectionCount: Int { openHandles }

    /// Binds and listens.
    public func start() throws {
        guard !started else { throw HTTPServerError.invalidState("start() called twice") }
        guard !isStopping else { throw HTTPServerError.invalidState("start() after stop()") }
        started = true
        let host = configuration.host == "localhost" ? "127.0.0.1" : configuration.host
        let endpoint = host.contains(":") ? "[\(host)]:\(configuration.port)" : "\(host):\(configuration.port)"
        var address = sockaddr_storage()
        let parsed = withUnsafeMutableBytes(of: &address) { raw in
            uv_ip4_addr(host, Int32(configuration.port), raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)) == 0
                || uv_ip6_addr(host, Int32(configuration.port), raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)) == 0
        }
        guard parsed else { throw HTTPServerError.bind("\(endpoint): not an IP address") }
        // A write to a connection the peer has reset must fail with EPIPE, not kill the process.
        signal(SIGPIPE, SIG_IGN)

        let handle = LoopHandles.allocate(uv_tcp_t.self)
        uv_tcp_init(EventLoop.shared.uv, handle)
        LoopHandles.attach(ListenerHandle(self), to: cuv_handle(handle))
        listenerOpen = true
        var result = withUnsafeBytes(of: &address) { raw in
            uv_tcp_bind(handle, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), 0)
        }
        if result == 0 {
            result = uv_listen(cuv_stream(handle), configuration.backlog, connectionArrived)
        }
        guard result == 0 else {
            LoopHandles.close(cuv_handle(handle))
            throw HTTPServerError.bind("\(endpoint): \(String(cString: uv_strerror(result)))")
        }
        listener = handle
        boundPort = Self.localPort(of: handle)

        let shortest = min(configuration.headerTimeout, configuration.idleTimeout, Connection.lingerTimeout)
        let tick = min(max(shortest / 4, .milliseconds(50)), .seconds(1))
        let sweeper = RepeatingTimer(clock: configuration.clock, interval: tick) { [weak self] in self?.sweep() }
        sweeper.start()
        self.sweeper = sweeper
    }

    /// Stops accepting, closes idle connections, lets in-flight responses finish (then closes their
    /// connections) and force-closes what is left after `gracePeriod`. Returns when every handle is closed.
    public func stop(gracePeriod: Duration = .seconds(10)) async {
        if !isStopping {
            isStopping = true
            if let listener {
                LoopHandles.close(cuv_handle(listener))
                self.listener = nil
            }
            for connection in Array(connections.values) { connection.beginShutdown() }
            if !isFullyStopped {
                graceTimer = configuration.clock.schedule(after: gracePeriod) { [weak self] in self?.forceClose() }
            }
        }
        if !isFullyStopped {
            await withCheckedContinuation { stopWaiters.append($0) }
        }
        graceTimer?.cancel()
        graceTimer = nil
        sweeper?.stop()
        sweeper = nil
    }

    private var isFullyStopped: Bool { openHandles == 0 && !listenerOpen }

    private func forceClose() {
        graceTimer = nil
        for connection in Array(connections.values) { connection.closeNow() }
    }

    fileprivate func accept(status: Int32) {
        guard status == 0, let listener else { return }
        let handle = LoopHandles.allocate(uv_tcp_t.self)
        uv_tcp_init(EventLoop.shared.uv, handle)
        guard uv_accept(cuv_stream(listener), cuv_stream(handle)) == 0, !isStopping else {
            LoopHandles.close(cuv_handle(handle))
            return
        }
        var session: TLSSession?
        if let tlsContext {
            session = TLSSession(context: tlsContext)
            if session == nil {
                LoopHandles.close(cuv_handle(handle))
                return
            }
        }
        uv_tcp_nodelay(handle, 1)
        let connection = Connection(server: self, handle: handle, tls: session, remoteAddress: Self.peerAddress(of: handle))
        LoopHandles.attach(ConnectionHandle(connection), to: cuv_handle(handle))
        openHandles += 1
        connections[ObjectIdentifier(connection)] = connection
        connection.start()
    }

    private func sweep() {
        let now = configuration.clock.now
        var expired: [Connection] = []
        for connection in connections.values {
            if let deadline = connection.deadline, deadline <= now { expired.append(connection) }
        }
        for connection in expired { connection.timedOut() }
    }

    func connectionClosed(_ connection: Connection) {
        connections.removeValue(forKey: ObjectIdentifier(connection))
    }

    func connectionHandleClosed() {
        openHandles -= 1
        resumeStopWaitersIfDone()
    }

    fileprivate func listenerHandleClosed() {
        listenerOpen = false
        resumeStopWaitersIfDone()
    }

    private func resumeStopWaitersIfDone() {
        guard isStopping, isFullyStopped, !stopWaiters.isEmpty else { return }
        let waiters = stopWaiters
        stopWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    // MARK: - Addresses

    private static func localPort(of handle: UnsafeMutablePointer<uv_tcp_t>) -> Int {
        var address = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutableBytes(of: &address) { raw in
            uv_tcp_getsockname(handle, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length) == 0
        }
        return ok ? format(address).port : 0
    }

    private static func peerAddress(of handle: UnsafeMutablePointer<uv_tcp_t>) -> String {
        var address = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutableBytes(of: &address) { raw in
            uv_tcp_getpeername(handle, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length) == 0
        }
        guard ok else { return "" }
        let (ip, port, v6) = format(address)
        return v6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    private static func format(_ address: sockaddr_storage) -> (ip: String, port: Int, v6: Bool) {
        var address = address
        let family = address.ss_family
        var name = [CChar](repeating: 0, count: 64)
        return withUnsafeBytes(of: &address) { raw in
            if family == sa_family_t(AF_INET6) {
                let v6 = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                uv_ip6_name(v6, &name, name.count)
                return (cString(name), Int(UInt16(bigEndian: v6.pointee.sin6_port)), true)
            }
            let v4 = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
            uv_ip4_name(v4, &name, name.count)
            return (cString(name), Int(UInt16(bigEndian: v4.pointee.sin_port)), false)
        }
    }

    private static func cString(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The owner attached to the listening `uv_tcp_t`; its release tells the server the listener is closed.
@LoopActor
private final class ListenerHandle {
    let server: HTTPServer

    init(_ server: HTTPServer) { self.server = server }

    deinit {
        // Only the handle's `data` holds this object: the last release is LoopHandles' close callback,
        // on the loop thread.
        LoopActor.assumeIsolated { server.listenerHandleClosed() }
    }
}

/// A plain function, not a closure in @LoopActor code, whose C entry point would check the executor.
private func connectionArrived(_ stream: UnsafeMutablePointer<uv_stream_t>?, _ status: Int32) {
    guard let owner = LoopHandles.owner(of: cuv_handle(stream!), as: ListenerHandle.self) else { return }
    LoopActor.assumeIsolated { owner.server.accept(status: status) }
}
