import HTTP
import HTTPServer
import Kube
import Loop

/// The agent's kubelet API (SPEC §1.5): one HTTPS listener for all of its nodes. Pods are unique by
/// namespace/name, so pod paths find their node through the `KubeletAPISource`; node-wide paths
/// (`/stats/summary`, `/metrics/resource`) serve the only node, or with several nodes the one named
/// by the request's `Host` header, else the first node. (The API server's `nodes/<name>/proxy` sends
/// the node's address as `Host`, which all of the agent's nodes share: through it, a multi-node
/// agent answers for its first node.) Every path, unknown ones included, is authenticated and
/// authorized first, as the kubelet's filters do.
@LoopActor
public final class KubeletServer {
    public let configuration: KubeletAPIConfiguration
    let provider: any Provider
    let providerName: String
    let source: any KubeletAPISource
    let metrics: MetricsRegistry
    private let access: KubeletAccess
    private var routes = Router()
    private var server: HTTPServer?
    private var started = false
    private var boundPort = 0
    /// Log streams being copied to clients, cancelled by `stop` so that it does not wait for them.
    private var relays: [Int: Task<Void, any Error>] = [:]
    private var nextRelay = 0

    /// The certificate the server presents when none was configured (made by `start`); clients that
    /// are to verify the server can take it as their CA.
    public private(set) var selfSignedCertificatePEM: String?

    public init(
        configuration: KubeletAPIConfiguration, provider: any Provider, providerName: String,
        source: any KubeletAPISource, metrics: MetricsRegistry, reviewer: (any KubeletReviewer)?
    ) throws {
        try configuration.validate(hasReviewer: reviewer != nil)
        self.configuration = configuration
        self.provider = provider
        self.providerName = providerName
        self.source = source
        self.metrics = metrics
        access = KubeletAccess(configuration: configuration, reviewer: reviewer)
        routes = Self.routes(for: self)
    }

    /// The bound port (the chosen one with port 0); 0 before `start`.
    public var port: Int { boundPort }

    /// Makes the serving certificate if none was given, binds and listens.
    public func start() throws {
        guard !started else { throw KubeletServerError.invalidConfiguration("start() called twice or after stop()") }
        var outer = Router()
        // One catch-all per method: authentication must run before routing, so that an unknown path
        // is a 401 for a stranger and a 404 only for a caller who may see it.
        for method in [HTTPMethod.get, .post, .put, .patch, .delete, .options] {
            outer.add(method, "/{path...}", .streaming { [weak self] request, writer in
                await self?.serve(request, writer)
            })
        }
        let chain: PEMSource
        let key: PEMSource
        if let certificate = configuration.servingCertificate, let privateKey = configuration.servingKey {
            (chain, key) = (certificate, privateKey)
        } else {
            let issued = try selfSignedCertificate()
            (chain, key) = (.pem(issued.certificatePEM), .pem(issued.privateKeyPEM))
            selfSignedCertificatePEM = issued.certificatePEM
        }
        // Client certificates are optional (tokens and anonymous callers have none) but verified when sent.
        let tls = TLSConfiguration(
            certificateChain: chain, privateKey: key, clientCA: configuration.clientCAFile, requireClientCertificate: false)
        let serverConfiguration = HTTPServerConfiguration(host: configuration.listenAddress, port: configuration.port, tls: tls)
        let server = try HTTPServer(configuration: serverConfiguration, router: outer)
        try server.start()
        started = true
        self.server = server
        boundPort = server.port
    }

    /// Ends log streams in progress, stops listening and returns once every connection is closed.
    public func stop() async {
        guard let server else { return }
        self.server = nil
        for relay in relays.values { relay.cancel() }
        relays = [:]
        await server.stop(gracePeriod: .seconds(5))
    }

    private func selfSignedCertificate() throws(KubeletServerError) -> IssuedCertificate {
        let name = configuration.certificateDNSNames.first ?? configuration.certificateIPAddresses.first ?? "node-agent"
        do {
            return try IssuedCertificate.selfSigned(
                CertificateSubject(commonName: name), usage: .serverAuth, dnsNames: configuration.certificateDNSNames,
                ipAddresses: configuration.certificateIPAddresses)
        } catch {
            throw .certificate(error.description)
        }
    }

    // MARK: - Dispatch

    private func serve(_ request: HTTPRequest, _ writer: any HTTPResponseWriter) async {
        if let refusal = await access.check(request, node: authorizationNode(request) ?? "") {
            try? await writer.respond(refusal)
            return
        }
        switch routes.match(request.method, path: request.path) {
        case .notFound:
            try? await writer.respond(.text("404 page not found\n", status: .notFound))
        case .methodNotAllowed(let allowed):
            var response = HTTPResponse.text("405 method not allowed\n", status: .methodNotAllowed)
            response.headers.set("Allow", allowed.map(\.rawValue).joined(separator: ", "))
            try? await writer.respond(response)
        case .found(let handler, let parameters):
            var request = request
            request.pathParameters = parameters
            switch handler {
            case .immediate(let answer): try? await writer.respond(answer(request))
            case .streaming(let answer): await answer(request, writer)
            }
        }
    }

    /// Paths that name a pod: `/<prefix>/<namespace>/<pod>/…`.
    private static let podPathPrefixes: Set<Substring> = ["containerLogs", "exec", "attach", "portForward", "run"]

    /// The node a request is authorized against: the pod's node for pod paths, else `node(for:)`.
    private func authorizationNode(_ request: HTTPRequest) -> String? {
        let parts = request.path.split(separator: "/", maxSplits: 3)
        if parts.count >= 3, Self.podPathPrefixes.contains(parts[0]),
            let node = source.node(ofPod: PercentEncoding.decode(parts[1]), PercentEncoding.decode(parts[2]))
        {
            return node
        }
        return node(for: request)
    }

    /// The node a node-wide request is about: the only one; with several, the one the `Host` header
    /// names, else the first. Nil while the agent has no node.
    func node(for request: HTTPRequest) -> String? {
        let names = source.nodeNames
        guard names.count > 1 else { return names.first }
        if let host = Self.hostName(request.headers["Host"]), names.contains(host) { return host }
        return names.first
    }

    /// The host part of a `Host` header: `name`, `name:port`, `[v6]:port`.
    static func hostName(_ header: String?) -> String? {
        guard let header, !header.isEmpty else { return nil }
        if header.hasPrefix("["), let close = header.firstIndex(of: "]") {
            return String(header[header.index(after: header.startIndex)..<close])
        }
        let parts = header.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 2 ? String(parts[0]) : header
    }

    // MARK: - Routes

    private static func routes(for server: KubeletServer) -> Router {
        var router = Router()
        router.get("/healthz") { _ in .text("ok") }
        router.get("/pods") { [weak server] _ in server?.podList() ?? unavailable }
        router.get("/metrics") { [weak server] _ in server?.metrics.response() ?? unavailable }
        router.get("/containerLogs/{namespace}/{pod}/{container}", streaming: { [weak server] request, writer in
            await server?.containerLogs(request, writer)
        })
        router.get("/stats/summary", streaming: { [weak server] request, writer in
            await server?.statsSummary(request, writer)
        })
        router.get("/metrics/resource", streaming: { [weak server] request, writer in
            await server?.resourceMetrics(request, writer)
        })
        // No provider streams yet: these need the exec transport (SPDY/WebSocket upgrades).
        for (prefix, feature) in [("exec", "exec"), ("attach", "attach"), ("portForward", "port-forward"), ("run", "run")] {
            for method in [HTTPMethod.get, .post] {
                router.add(method, "/\(prefix)/{rest...}", .immediate { [weak server] _ in
                    guard let server else { return unavailable }
                    return .text("\(server.providerName) provider does not support \(feature)\n", status: .notImplemented)
                })
            }
        }
        return router
    }

    private static let unavailable = HTTPResponse.text("the kubelet API is stopping\n", status: .serviceUnavailable)

    private func podList() -> HTTPResponse {
        let list = ObjectList<Pod>(metadata: ListMeta(), items: source.pods(on: nil))
        do { return .json(try Self.encode(list)) } catch {
            return .text("cannot encode the pod list: \(error)\n", status: .internalServerError)
        }
    }

    // MARK: - Shared by the handlers

    /// How a provider's failure reads over HTTP.
    static func failure(_ error: any Error) -> HTTPResponse {
        switch error as? ProviderError {
        case .notFound(let message): .text(message + "\n", status: .notFound)
        case .invalid(let message): .text(message + "\n", status: .badRequest)
        case .failed(let message): .text(message + "\n", status: .internalServerError)
        case nil: .text("\(error)\n", status: .internalServerError)
        }
    }

    /// Registers a log stream being copied, so that `stop` can end it; returns its key.
    func track(_ relay: Task<Void, any Error>) -> Int {
        nextRelay += 1
        relays[nextRelay] = relay
        return nextRelay
    }

    func untrack(_ key: Int) { relays[key] = nil }
}
