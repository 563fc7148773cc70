import HTTP
import HTTPServer
import Kube
import Loop

/// The embedded kube-apiserver: the REST API over HTTPS, backed by an in-memory store.
@LoopActor
public final class APIServer {
    let configuration: APIServerConfiguration
    let store: ObjectStore
    var registry = ResourceRegistry()
    let authenticator: Authenticator
    private var server: HTTPServer?
    private(set) lazy var controllers = Controllers(server: self)
    /// Clients to kubelets (`pods/log`, `nodes/proxy`).
    private(set) lazy var kubelet = KubeletConnector(tls: configuration.kubeletClientTLS)
    /// Kept clients to admission webhooks.
    let webhookClients = WebhookClients()
    /// API requests served, by verb and resource: `apiserver_request_total` on `/metrics`.
    public private(set) var requestCounts: [RequestCountKey: Int] = [:]

    public init(configuration: APIServerConfiguration) {
        self.configuration = configuration
        store = ObjectStore(windowSize: configuration.watchWindow)
        authenticator = Authenticator(tokens: configuration.tokens)
    }

    /// Binds the port and creates the namespaces every cluster has.
    public func start() throws {
        var http = HTTPServerConfiguration(host: configuration.host, port: configuration.port, tls: configuration.tls)
        http.clock = configuration.clock
        let server = try HTTPServer(configuration: http, router: makeRouter())
        try server.start()
        self.server = server
        bootstrap()
        store.startWindows()
        controllers.start()
    }

    public var port: Int { server?.port ?? 0 }

    public func stop() async {
        controllers.stop()
        await server?.stop(gracePeriod: .seconds(1))
        server = nil
        kubelet.shutdown()
        webhookClients.shutdown()
    }

    private func makeRouter() -> Router {
        var router = Router()
        for method in [HTTPMethod.get, .post, .put, .patch, .delete] {
            for root in ["/api", "/apis"] {
                // Weak: a request still in flight when a test drops the server must not touch it.
                router.add(method, "\(root)/{rest...}", .streaming { [weak self] request, writer in
                    await self?.handle(request, writer)
                })
            }
        }
        for path in ["/healthz", "/livez", "/readyz"] {
            router.get(path) { request in Health.response(request) }
        }
        router.get("/version") { _ in .json(Discovery.version) }
        router.get("/metrics") { [unowned self] request in
            authenticator.identify(request) == nil ? APIError.unauthorized.response : RequestCountKey.metrics(requestCounts)
        }
        router.get("/openapi/v3/{path...}") { [unowned self] request in
            let path = request.pathParameters["path"] ?? ""
            let custom: OpenAPI.CustomSchemas = { [unowned self] in customSchema($0) }
            return path.isEmpty
                ? OpenAPI.index(registry, custom: custom) : OpenAPI.response(registry, path: path, custom: custom)
        }
        return router
    }

    /// Authenticates, parses the path, authorizes and dispatches one API request.
    func handle(_ request: HTTPRequest, _ writer: any HTTPResponseWriter) async {
        guard let identity = authenticator.identify(request) else {
            return await send(APIError.unauthorized.response, to: writer)
        }
        guard let info = RequestInfo(path: request.path) else {
            return await send(APIError.pathNotFound.response, to: writer)
        }
        if case .discovery(let group, let version) = info.target {
            let address = "\(configuration.host):\(port)"
            return await send(Discovery.response(registry, group: group, version: version, address: address), to: writer)
        }
        guard let type = registry.lookup(group: info.group, version: info.version, resource: info.resource) else {
            return await send(APIError.pathNotFound.response, to: writer)
        }
        let query = request.query
        let verb = info.verb(method: request.method, watch: query["watch"] == "true" || query["watch"] == "1")
        if let subresource = info.subresource, !type.subresources.contains(subresource) {
            return await send(APIError.pathNotFound.response, to: writer)
        }
        guard info.subresource != nil || type.verbs.contains(verb) else {
            return await send(APIError.methodNotSupported(type, verb).response, to: writer)
        }
        guard identity.allowed(verb: verb, type: type) else {
            let error = APIError.forbidden(user: identity.user, verb: verb, type: type, namespace: info.namespace)
            return await send(error.response, to: writer)
        }
        requestCounts[RequestCountKey(verb: verb, resource: info.resource), default: 0] += 1
        let context = RequestContext(
            request: request, info: info, type: type, verb: verb, query: query, identity: identity)
        do {
            if try await serveKubeletSubresource(context, writer) {
                return
            } else if verb == "watch" {
                try await watch(context, writer)
            } else {
                await send(try await respond(context), to: writer)
            }
        } catch let error as APIError {
            await send(error.response, to: writer)
        } catch {
            await send(APIError.internalError("\(error)").response, to: writer)
        }
    }

    private func respond(_ context: RequestContext) async throws -> HTTPResponse {
        switch (context.verb, context.info.subresource) {
        case ("get", "scale"): return Self.ok(try scaleObject(context))
        case ("update", "scale"), ("patch", "scale"): return try writeScale(context)
        case ("create", nil) where context.type.group.hasPrefix("authentication.") || context.type.group.hasPrefix("authorization."):
            return try await review(context)
        case ("get", nil): return try get(context)
        case ("list", nil): return try list(context)
        case ("create", nil): return try await create(context)
        case ("update", _): return try await update(context)
        case ("patch", _): return try await patch(context)
        case ("delete", nil): return try delete(context)
        case ("deletecollection", nil): return try deleteCollection(context)
        case ("get", "status"): return try get(context)
        case ("create", let subresource?): return try await createSubresource(context, subresource)
        case ("get", let subresource?): return try await getSubresource(context, subresource)
        default: throw APIError.methodNotSupported(context.type, context.verb)
        }
    }

    func send(_ response: HTTPResponse, to writer: any HTTPResponseWriter) async {
        var response = response
        response.headers.set("Cache-Control", "no-cache, private")
        try? await writer.respond(response)
    }
}

/// One API request after authentication and routing.
struct RequestContext: Sendable {
    var request: HTTPRequest
    var info: RequestInfo
    var type: ResourceType
    var verb: String
    var query: QueryParameters
    var identity: Identity

    var namespace: String? { type.namespaced ? info.namespace : nil }

    func key(_ name: String) -> ObjectKey { ObjectKey(namespace: namespace ?? "", name: name) }

    /// `?dryRun=All`: run everything, persist nothing.
    var dryRun: Bool { query["dryRun"] == "All" }
}
