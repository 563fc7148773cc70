import Foundation
import HTTP
import HTTPClient
import Loop

/// Supplies the `Authorization` header per request (tokens rotate, exec plugins expire).
@LoopActor
public protocol AuthorizationProvider: AnyObject {
    func authorizationHeader() async throws -> String?
    /// The server answered 401: drop any cached credential so the next call fetches a fresh one.
    func invalidate()
}

/// The REST client for one API server: rate-limited, retrying, and mapping failures to `KubeError`.
@LoopActor
public final class KubeClient {
    public struct Configuration: Sendable {
        /// `https://host:port`, without a trailing slash.
        public var server: String
        public var http: HTTPClientConfiguration
        /// Client-side pacing (`--kube-api-qps` / `--kube-api-burst`); qps 0 = unlimited.
        public var qps: Double = 50
        public var burst = 100
        /// Retries after the first attempt, for retryable failures.
        public var maxRetries = 5
        public var userAgent = "node-agent/0.1"

        public init(server: String, http: HTTPClientConfiguration = HTTPClientConfiguration()) {
            self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
            self.http = http
            self.http.userAgent = userAgent
        }
    }

    public let configuration: Configuration
    private let http: HTTPClient
    private let authorization: (any AuthorizationProvider)?
    private let limiter: RateLimiter
    private let clock: any LoopClock

    public init(
        configuration: Configuration, authorization: (any AuthorizationProvider)? = nil,
        clock: any LoopClock = UVClock.shared
    ) {
        self.configuration = configuration
        self.authorization = authorization
        self.clock = clock
        http = HTTPClient(configuration: configuration.http)
        limiter = RateLimiter(qps: configuration.qps, burst: configuration.burst, clock: clock)
    }

    /// Told of every attempt `send` makes: method, HTTP status (0 when no answer came) and duration.
    /// The agent's `/metrics` reads API latencies from it.
    public var requestObserver: (@LoopActor (_ method: HTTPMethod, _ status: Int, _ duration: Duration) -> Void)?

    public func shutdown() { http.shutdown() }

    /// A client to the same server with the same credentials and settings, but its own connections
    /// and its own pacing: the kubelet's heartbeat client, so that lease renewals never queue behind
    /// a backlog of other requests (thousands of pod events, at scale). Its owner shuts it down.
    public func withOwnConnections() -> KubeClient {
        KubeClient(configuration: configuration, authorization: authorization, clock: clock)
    }

    // MARK: - Requests

    /// Sends one request, retrying what is safe to retry:
    /// - 429 (any verb: the server did not act), waiting `Retry-After` seconds;
    /// - 5xx and transport failures for idempotent verbs, with backoff;
    /// - connection failures for any verb (nothing reached the server);
    /// - 401 once, after dropping a cached credential.
    public func send(
        _ method: HTTPMethod, path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String? = nil, timeout: Duration? = nil
    ) async throws(KubeError) -> HTTPClientResponse {
        let idempotent = method == .get || method == .head || method == .put || method == .delete || method == .options
        var backoff = Backoff(initial: .milliseconds(200), cap: .seconds(7))
        var reauthorized = false
        var attempt = 0
        while true {
            let request = try await prepare(method, path: path, query: query, body: body, contentType: contentType, timeout: timeout)
            let retryAfter: Duration
            let started = clock.now
            do {
                let response = try await http.execute(request)
                requestObserver?(method, response.status.code, clock.now.duration(since: started))
                if response.status.isSuccess { return response }
                let error = KubeError.api(Self.status(of: response))
                guard attempt < configuration.maxRetries else { throw error }
                switch response.status.code {
                case 401 where !reauthorized && authorization != nil:
                    authorization?.invalidate()
                    reauthorized = true
                    continue
                case 429:
                    retryAfter = Self.retryAfter(response, status: error.status) ?? backoff.next()
                case let code where idempotent && [500, 502, 503, 504].contains(code):
                    retryAfter = Self.retryAfter(response, status: error.status) ?? backoff.next()
                default:
                    throw error
                }
            } catch let error as HTTPClientError {
                requestObserver?(method, 0, clock.now.duration(since: started))
                let nothingSent = error.kind == .connect || error.kind == .dns
                guard attempt < configuration.maxRetries, nothingSent || (idempotent && error.isTransient) else {
                    throw .transport(error.message)
                }
                retryAfter = backoff.next()
            } catch let error as KubeError {
                throw error
            } catch {
                throw .transport("\(error)")
            }
            attempt += 1
            do { try await clock.sleep(for: retryAfter) } catch { throw .transport("\(method) \(path): cancelled") }
        }
    }

    /// Opens a streamed request (watch, follow logs); non-2xx answers become `KubeError.api`.
    public func stream(_ path: String, query: [(String, String)] = []) async throws(KubeError) -> HTTPClientStream {
        let request = try await prepare(.get, path: path, query: query, body: nil, contentType: nil, timeout: nil)
        let stream: HTTPClientStream
        do { stream = try await http.stream(request) } catch { throw .transport(error.message) }
        guard stream.status.isSuccess else {
            let body = (try? await stream.collect(limit: 1 << 20)) ?? []
            throw .api(Self.status(of: HTTPClientResponse(status: stream.status, headers: stream.headers, body: body)))
        }
        return stream
    }

    private func prepare(
        _ method: HTTPMethod, path: String, query: [(String, String)], body: [UInt8]?, contentType: String?,
        timeout: Duration?
    ) async throws(KubeError) -> HTTPClientRequest {
        do { try await limiter.acquire() } catch { throw .transport("\(method) \(path): cancelled") }
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if let contentType { headers.add("Content-Type", contentType) }
        if let authorization {
            do {
                if let value = try await authorization.authorizationHeader() { headers.add("Authorization", value) }
            } catch {
                throw .transport("\(method) \(path): getting credentials failed: \(error)")
            }
        }
        var url = configuration.server + path
        if !query.isEmpty {
            var parameters = QueryParameters()
            for (name, value) in query { parameters.append(name, value) }
            url += "?" + parameters.encoded
        }
        return HTTPClientRequest(method: method, url: url, headers: headers, body: body, timeout: timeout)
    }

    /// The failure `Status` of a response, or one built from its status line and text.
    static func status(of response: HTTPClientResponse) -> Status {
        if let document = try? JSONValue(parsing: response.body), let status = try? document.decode(Status.self), status.kind == "Status" {
            return status
        }
        let text = String(decoding: response.body.prefix(1024), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return .failure(
            code: response.status.code, reason: reason(forCode: response.status.code),
            message: text.isEmpty ? response.status.description : text)
    }

    static func reason(forCode code: Int) -> String {
        switch code {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 409: "Conflict"
        case 410: "Expired"
        case 415: "UnsupportedMediaType"
        case 422: "Invalid"
        case 429: "TooManyRequests"
        case 503: "ServiceUnavailable"
        case 504: "Timeout"
        default: "InternalError"
        }
    }

    private static func retryAfter(_ response: HTTPClientResponse, status: Status?) -> Duration? {
        if let header = response.headers["Retry-After"], let seconds = Int(header.trimmingCharacters(in: .whitespaces)) {
            return .seconds(max(seconds, 0))
        }
        return status?.details?.retryAfterSeconds.map { .seconds(max($0, 0)) }
    }
}
