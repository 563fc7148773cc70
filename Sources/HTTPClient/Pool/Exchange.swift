import HTTP
import Loop

/// One buffered request through the pool: its bytes on the wire, whoever waits for the answer, and
/// the time it may take from the moment it is admitted.
@LoopActor
final class Exchange: AdmittedCall {
    let request: HTTPClientRequest
    let route: PoolRoute
    let wire: [UInt8]
    let timeout: Duration
    private weak var pool: ConnectionPool?
    private let admission: Admission
    var continuation: CheckedContinuation<HTTPClientResponse, Error>?
    /// Loop time (milliseconds) by which it must be answered, counted from its admission.
    var deadline: UInt64?
    /// The connection it is on, or waiting for while that opens.
    var connection: PooledConnection?
    private(set) var isFinished = false
    private var isAdmitted = false
    /// Times it was sent again on another connection.
    var retries = 0
    /// A request of a bounded body that may be sent twice, should its connection break before the
    /// answer, may be pipelined: a PUT replaces the object with the same one again (a stale
    /// resourceVersion makes the second a conflict, not a second change); a merge or strategic merge
    /// PATCH sets the same fields again (a JSON patch, which may add to a list, is not one). Lease
    /// renewals and node status heartbeats are.
    let pipelines: Bool

    init(request: HTTPClientRequest, route: PoolRoute, configuration: HTTPClientConfiguration, pool: ConnectionPool) {
        self.request = request
        self.route = route
        self.pool = pool
        admission = pool.admission
        timeout = request.timeout ?? configuration.timeout
        wire = route.encode(request, bearerToken: configuration.bearerToken)
        pipelines = wire.count <= 16 << 10 && Self.repeatable(request)
    }

    private static func repeatable(_ request: HTTPClientRequest) -> Bool {
        switch request.method {
        case .put: return true
        case .patch:
            let type = request.headers["Content-Type"] ?? ""
            return type.hasPrefix("application/merge-patch+json") || type.hasPrefix("application/strategic-merge-patch+json")
        default: return false
        }
    }

    func start() { admission.enter(self) }

    func admitted() {
        isAdmitted = true
        if let pool { pool.admit(self) } else { refuse() }
    }

    func refuse() {
        fail(HTTPClientError(.cancelled, "\(request.method) \(request.url): client is shut down"))
    }

    func cancel() {
        giveUp(HTTPClientError(.cancelled, "\(request.method) \(request.url): cancelled"))
    }

    func timeOut() {
        giveUp(HTTPClientError(.timeout, detail: "no complete answer within \(timeout.millisecondsRoundedUp) ms", request: request))
    }

    private func giveUp(_ error: HTTPClientError) {
        guard !isFinished else { return }
        connection?.abandon(self)
        fail(error)
    }

    func succeed(_ response: HTTPClientResponse) { finish(.success(response)) }

    func fail(_ error: HTTPClientError) { finish(.failure(error)) }

    private func finish(_ result: Result<HTTPClientResponse, HTTPClientError>) {
        guard !isFinished else { return }
        isFinished = true
        connection = nil
        continuation?.resume(with: result.mapError { $0 as Error })
        continuation = nil
        if isAdmitted { admission.leave() }
    }
}
