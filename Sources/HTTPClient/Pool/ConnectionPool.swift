import CCurl
import CLibUV
import HTTP
import Loop

/// Buffered requests to servers reached without a proxy, over connections curl opens and secures
/// (CURLOPT_CONNECT_ONLY) and HTTP/1.1 framed here. curl's HTTP engine cost about 30 µs a request
/// (URL parsing, header building, its connection cache's liveness check, a poll after each send,
/// 56 allocations): as much as the rest of a lease renewal together. Streams, and routes through a
/// proxy, stay with curl's engine (`CurlMulti`).
@LoopActor
final class ConnectionPool {
    private let configuration: HTTPClientConfiguration
    /// Most recently made last, as in `CurlMulti`.
    private var routes: [PoolRoute] = []
    private static let maxRoutes = 8
    /// Every connection open or opening, to close them at shutdown.
    private var connections: [ObjectIdentifier: PooledConnection] = [:]
    /// Whose places requests take before they go out.
    let admission: Admission
    private var isClosed = false
    /// Where every connection reads into: one receive at a time happens on the loop.
    let receiveBuffer: UnsafeMutableRawBufferPointer
    /// One timer for all deadlines, due at the earliest; it is moved only when an earlier one comes.
    private var sweep: (any TimerHandle)?
    private var sweepDue: UInt64?
    /// Kept connections idle longer are closed rather than used (curl's CURLOPT_MAXAGE_CONN default).
    private static let maxIdleMilliseconds: UInt64 = 118_000
    /// Requests one connection carries at once when they may be pipelined: a lease renewal is about
    /// 500 bytes, so a full pipeline fits in one TLS record.
    static let pipelineDepth = 16
    /// A request is sent again at most this often when its connections break under it.
    private static let maxRetries = 3
    /// Connections whose gathered requests go out at the end of this loop turn.
    private var unflushed: [PooledConnection] = []

    init(configuration: HTTPClientConfiguration, admission: Admission) {
        precondition(CurlGlobal.initialized, "curl_global_init failed")
        self.configuration = configuration
        self.admission = admission
        receiveBuffer = .allocate(byteCount: 64 << 10, alignment: 16)
    }

    isolated deinit {
        receiveBuffer.deallocate()
    }

    private var now: UInt64 { uv_now(EventLoop.shared.uv) }

    var idleConnections: Int { routes.reduce(0) { $0 + $1.idle.count } }
    var watchedSockets: Int { connections.values.count { $0.isWatched } }
    var directConnections: Int { connections.values.count { $0.isDirect } }

    /// The pool's route for `url`, or nil when curl's engine must carry it (a proxy, another scheme,
    /// a URL that does not parse).
    func route(for url: String) -> PoolRoute? {
        if let known = routes.last(where: { $0.route.serves(url) }) { return known.usesPool ? known : nil }
        guard !isClosed, let route = Route(url: url, serverName: configuration.tls.serverName, proxy: configuration.proxy) else {
            return nil
        }
        let entry = PoolRoute(route, configuration: configuration)
        if routes.count == Self.maxRoutes { routes.removeFirst().closeIdle() }
        routes.append(entry)
        return entry.usesPool ? entry : nil
    }

    /// Sends an admitted request; its time starts now.
    func admit(_ exchange: Exchange) {
        guard !isClosed else { return exchange.refuse() }
        let deadline = now &+ exchange.timeout.millisecondsRoundedUp
        exchange.deadline = deadline
        if sweepDue.map({ deadline < $0 }) ?? true { scheduleSweep(at: deadline) }
        dispatch(exchange)
    }

    /// Puts `exchange` behind the requests gathered on a connection in this loop turn when both may
    /// be pipelined, else on a kept connection of its route, else on a new one.
    private func dispatch(_ exchange: Exchange) {
        let route = exchange.route
        if let filling = route.filling, filling.canPipeline(exchange) {
            exchange.connection = filling
            filling.begin(exchange)
            return
        }
        while let connection = route.idle.popLast() {
            guard now &- connection.idleSince <= Self.maxIdleMilliseconds else {
                connection.close()
                continue
            }
            exchange.connection = connection
            connection.begin(exchange)
            if exchange.pipelines { route.filling = connection }
            return
        }
        let handle: EasyHandle
        do throws(HTTPClientError) {
            handle = try EasyHandle(route: route.route, configuration: configuration, multi: nil, for: exchange.request)
            try handle.connectOnly(url: route.connectURL, request: exchange.request)
        } catch {
            return exchange.fail(error)
        }
        let connection = PooledConnection(route: route, handle: handle, pool: self)
        connections[ObjectIdentifier(connection)] = connection
        exchange.connection = connection
        connection.open(for: exchange)
        if exchange.pipelines { route.filling = connection }
    }

    /// Sends `exchange` again, on another connection: its kept one broke before any answer came, or
    /// a request ahead of it in a pipeline ended the connection.
    func retry(_ exchange: Exchange) {
        guard !exchange.isFinished else { return }
        exchange.connection = nil
        exchange.retries += 1
        if isClosed {
            exchange.refuse()
        } else if exchange.retries > Self.maxRetries {
            exchange.fail(HTTPClientError(.transport, detail: "the connection closed before the answer, \(Self.maxRetries) times", request: exchange.request))
        } else {
            dispatch(exchange)
        }
    }

    /// Has `connection` write what it gathered at the end of this loop turn, with whatever joins it by then.
    func flushSoon(_ connection: PooledConnection) {
        if unflushed.isEmpty { LoopActor.atTurnEnd { [weak self] in self?.flush() } }
        if unflushed.last !== connection { unflushed.append(connection) }
    }

    private func flush() {
        let connections = unflushed
        unflushed.removeAll(keepingCapacity: true)
        for route in routes { route.filling = nil }
        for connection in connections { connection.flush() }
    }

    /// Takes back a connection that is open and free; the pool keeps `maxIdleConnections` of them.
    func release(_ connection: PooledConnection) {
        guard !isClosed, routes.contains(where: { $0 === connection.route }), idleConnections < configuration.maxIdleConnections else {
            return connection.close()
        }
        connection.becomeIdle(at: now)
        connection.route.idle.append(connection)
    }

    func forget(_ connection: PooledConnection) {
        connections[ObjectIdentifier(connection)] = nil
    }

    // MARK: deadlines

    private func scheduleSweep(at deadline: UInt64) {
        sweep?.cancel()
        sweepDue = deadline
        let current = now
        sweep = UVClock.shared.schedule(after: .milliseconds(deadline > current ? deadline - current : 0)) { [weak self] in
            self?.timeOutExpired()
        }
    }

    /// Fails the requests whose time is up, and points the timer at the next deadline.
    private func timeOutExpired() {
        sweep = nil
        sweepDue = nil
        let current = now
        var next: UInt64?
        for connection in Array(connections.values) {
            for exchange in connection.exchanges {
                guard let deadline = exchange.deadline else { continue }
                if deadline <= current {
                    exchange.timeOut()
                } else {
                    next = min(next ?? deadline, deadline)
                }
            }
        }
        if let next { scheduleSweep(at: next) }
    }

    // MARK: shutdown

    /// Fails every request under way and closes every connection.
    func shutdown() {
        guard !isClosed else { return }
        isClosed = true
        for connection in Array(connections.values) {
            for exchange in connection.exchanges { exchange.refuse() }
            connection.close()
        }
        for route in routes { route.closeIdle() }
        routes = []
        sweep?.cancel()
        sweep = nil
    }
}
