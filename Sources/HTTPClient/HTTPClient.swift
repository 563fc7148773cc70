import HTTP
import Loop

/// An HTTP(S) client on libcurl's multi interface, driven by the event loop. One client shares its
/// connections among all requests; create one per set of credentials and `shutdown()` it when done.
@LoopActor
public final class HTTPClient {
    public let configuration: HTTPClientConfiguration
    private var multi: CurlMulti?

    public nonisolated init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) {
        self.configuration = configuration
    }

    isolated deinit {
        multi?.shutdown()
    }

    private var activeMulti: CurlMulti {
        if let multi { return multi }
        let multi = CurlMulti(
            maxIdleConnections: configuration.maxIdleConnections, maxConnectionsPerHost: configuration.maxConnectionsPerHost)
        self.multi = multi
        return multi
    }

    /// Requests in flight.
    public var activeRequests: Int { multi?.activeTransfers ?? 0 }

    /// Sockets polled now, those of idle kept-alive connections included.
    var watchedSockets: Int { multi?.watchedSockets ?? 0 }

    /// Handles kept set up for their routes between requests.
    var idleHandles: Int { multi?.idleHandles ?? 0 }

    /// Sends `request` and returns the whole response, whatever its status (see `requireSuccess`).
    public func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
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

    /// Starts `transfer` and waits for what `install` registers it to deliver; cancelling the task
    /// aborts the transfer. The operation closure is explicitly `@LoopActor`: a nonisolated one would
    /// resume on the global pool and cost two extra thread hops per request.
    private func run<Value: Sendable>(
        _ transfer: Transfer, _ install: @escaping @LoopActor (CheckedContinuation<Value, Error>) -> Void
    ) async throws(HTTPClientError) -> Value {
        do {
            return try await withTaskCancellationHandler { @LoopActor in
                try await withLoopThrowingContinuation { continuation in
                    install(continuation)
                    // The transfer's own multi: its handle points curl's socket callbacks at it, and
                    // after a shutdown `activeMulti` would be a new one.
                    if Task.isCancelled { transfer.cancel() } else { transfer.start() }
                }
            } onCancel: {
                Task { @LoopActor in transfer.cancel() }
            }
        } catch {
            // Transfers only ever fail their continuations with HTTPClientError.
            throw error as! HTTPClientError
        }
    }

    /// Aborts every request in flight and releases connections and loop handles.
    public func shutdown() {
        multi?.shutdown()
        multi = nil
    }
}
