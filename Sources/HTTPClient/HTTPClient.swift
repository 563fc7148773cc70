import HTTP
import Loop

/// An HTTP(S) client driven by the event loop, with two engines: buffered requests to a server
/// reached without a proxy go through `ConnectionPool` (curl connects, the pool frames HTTP/1.1);
/// streams and proxied requests through libcurl's multi interface. One client shares its connections
/// among all requests; create one per set of credentials and `shutdown()` it when done.
@LoopActor
public final class HTTPClient {
    public let configuration: HTTPClientConfiguration
    private var multi: CurlMulti?
    private var pool: ConnectionPool?
    /// The places both engines' requests take; made with them.
    private var admission: Admission?

    public nonisolated init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) {
        self.configuration = configuration
    }

    isolated deinit {
        shutdown()
    }

    private var activeAdmission: Admission {
        if let admission { return admission }
        let admission = Admission(limit: configuration.maxConnectionsPerHost)
        self.admission = admission
        return admission
    }

    private var activePool: ConnectionPool {
        if let pool { return pool }
        let pool = ConnectionPool(configuration: configuration, admission: activeAdmission)
        self.pool = pool
        return pool
    }

    private var activeMulti: CurlMulti {
        if let multi { return multi }
        let multi = CurlMulti(
            maxIdleConnections: configuration.maxIdleConnections, maxConnectionsPerHost: configuration.maxConnectionsPerHost,
            admission: activeAdmission)
        self.multi = multi
        return multi
    }

    /// Requests in flight, and those waiting for a connection.
    public var activeRequests: Int { admission?.count ?? 0 }

    /// Sockets polled now, those of idle kept-alive connections included.
    var watchedSockets: Int { (multi?.watchedSockets ?? 0) + (pool?.watchedSockets ?? 0) }

    /// Open connections whose I/O the pool does itself (OpenSSL on curl's SSL, or the socket).
    var directConnections: Int { pool?.directConnections ?? 0 }

    /// Handles kept set up for their routes between requests: curl's, and the pool's open connections.
    var idleHandles: Int { (multi?.idleHandles ?? 0) + (pool?.idleConnections ?? 0) }

    /// Sends `request` and returns the whole response, whatever its status (see `requireSuccess`).
    /// Without a proxy it goes through the pool; otherwise through curl's HTTP engine.
    public func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        let pool = activePool
        if let route = pool.route(for: request.url) {
            let exchange = Exchange(request: request, route: route, configuration: configuration, pool: pool)
            return try await run(exchange) { exchange.continuation = $0 }
        }
        let transfer = try Transfer(request: request, configuration: configuration, streaming: false, multi: activeMulti)
        return try await run(transfer) { transfer.onComplete = $0 }
    }

    /// Sends `request` and returns as soon as the response head arrives; the body follows as a stream
    /// that pauses the transfer when its reader falls behind, and aborts it when cancelled or dropped.
    public func stream(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientStream {
        let transfer = try Transfer(request: request, configuration: configuration, streaming: true, multi: activeMulti)
        let (status, headers) = try await run(transfer) { transfer.onHead = $0 }
        return HTTPClientStream(status: status, headers: headers, body: ResponseBody(transfer))
    }

    /// Starts `call` and waits for what `install` registers it to deliver; cancelling the task
    /// aborts the call. The operation closure is explicitly `@LoopActor`: a nonisolated one would
    /// resume on the global pool and cost two extra thread hops per request.
    private func run<Value: Sendable>(
        _ call: some ClientCall, _ install: @escaping @LoopActor (CheckedContinuation<Value, Error>) -> Void
    ) async throws(HTTPClientError) -> Value {
        do {
            return try await withTaskCancellationHandler { @LoopActor in
                try await withLoopThrowingContinuation { continuation in
                    install(continuation)
                    // The call's own multi or pool: a transfer's handle points curl's socket callbacks
                    // at its multi, and after a shutdown `activeMulti` would be a new one.
                    if Task.isCancelled { call.cancel() } else { call.start() }
                }
            } onCancel: {
                Task { @LoopActor in call.cancel() }
            }
        } catch {
            // Calls only ever fail their continuations with HTTPClientError.
            throw error as! HTTPClientError
        }
    }

    /// Aborts every request in flight and releases connections and loop handles.
    public func shutdown() {
        admission?.shutdown()
        admission = nil
        multi?.shutdown()
        multi = nil
        pool?.shutdown()
        pool = nil
    }
}
