import HTTP
import HTTPServer
import Loop
import TestSupport

/// A kubelet stand-in on 127.0.0.1: HTTPS with a serving certificate from `authority`, client
/// certificates required and verified against the same CA. It records each request and answers
/// `/containerLogs`, `/stats/summary`, `/metrics/resource`, `/pods`, `/healthz` like a kubelet, or
/// fails every request as `mode` says.
@LoopActor
final class StubKubelet {
    enum Mode: Sendable {
        case ok
        /// 404 `404 page not found` (Go's NotFound handler).
        case notFound
        /// 500 with a text body.
        case serverError
        /// Reads the request, then drops the connection without an answer (the whole stub stops: a
        /// connection cannot be closed on its own through the writer API).
        case close
    }

    struct Call: Sendable {
        var method: HTTPMethod
        var path: String
        var query: String
        var headers: HTTPHeaders
        var body: String
        var peer: TLSPeer?
    }

    static let errorText = "stub kubelet: simulated internal error\n"
    static let summary = #"{"node":{"nodeName":"stub-node","cpu":{"usageNanoCores":12345678}},"pods":[]}"#

    let authority: CertificateAuthority
    var mode = Mode.ok
    private(set) var calls: [Call] = []
    private(set) var port = 0
    private var server: HTTPServer?
    private var stopping: Task<Void, Never>?

    /// `follow=true`: when set, two lines are sent, then the stub waits for this gate before the last two.
    var followRelease: Gate?
    /// `follow=true`: when true, one line is sent and the stream stays open until the API server hangs up,
    /// which opens `hungUp`.
    var holdFollow = false
    let hungUp = Gate()

    init(authority: CertificateAuthority) throws {
        self.authority = authority
        let serving = try authority.issue(
            CertificateSubject(commonName: "stub-kubelet"), usage: .serverAuth, ipAddresses: ["127.0.0.1"])
        var router = Router()
        for method in [HTTPMethod.get, .post, .put, .patch, .delete] {
            router.add(method, "/{path...}", .streaming { [unowned self] request, writer in
                await self.serve(request, writer)
            })
        }
        let tls = TLSConfiguration(
            certificateChain: .pem(serving.certificatePEM), privateKey: .pem(serving.privateKeyPEM),
            clientCA: .pem(authority.certificatePEM), requireClientCertificate: true)
        let server = try HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, tls: tls), router: router)
        try server.start()
        self.server = server
        port = server.port
    }

    func stop() async {
        if let stopping { await stopping.value }
        await server?.stop(gracePeriod: .zero)
        server = nil
    }

    /// Forgets the calls so far.
    func reset() { calls = [] }

    private func serve(_ request: HTTPRequest, _ writer: any HTTPResponseWriter) async {
        let query = request.target.firstIndex(of: "?").map { String(request.target[request.target.index(after: $0)...]) } ?? ""
        calls.append(Call(
            method: request.method, path: String(request.path), query: query, headers: request.headers,
            body: String(decoding: request.body, as: UTF8.self), peer: request.tlsPeer))
        switch mode {
        case .notFound:
            try? await writer.respond(.text("404 page not found\n", status: .notFound))
        case .serverError:
            try? await writer.respond(.text(Self.errorText, status: HTTPStatus(500)))
        case .close:
            let server = self.server
            self.server = nil
            stopping = Task { @LoopActor in await server?.stop(gracePeriod: .zero) }
            await writer.closed()
        case .ok:
            await answer(request, query: request.query, writer)
        }
    }

    private func answer(_ request: HTTPRequest, query: QueryParameters, _ writer: any HTTPResponseWriter) async {
        let path = String(request.path)
        if path.hasPrefix("/containerLogs/") {
            let parts = path.split(separator: "/")
            let prefix = parts.count == 4 ? "\(parts[2])/\(parts[3])" : "?"
            if query["follow"] == "true" { return await follow(prefix, writer) }
            var lines = (1...10).map { "\(prefix) log line \($0)\n" }
            if let tail = query["tailLines"].flatMap(Int.init) { lines = Array(lines.suffix(tail)) }
            try? await writer.respond(HTTPResponse(headers: ["Content-Type": "text/plain"], body: Array(lines.joined().utf8)))
            return
        }
        let response: HTTPResponse
        switch (request.method, path) {
        case (.get, "/stats/summary"):
            response = .json(Array(Self.summary.utf8))
        case (.get, "/metrics/resource"):
            response = HTTPResponse(
                headers: ["Content-Type": "text/plain; version=0.0.4"],
                body: Array("# TYPE node_cpu_usage_seconds_total counter\nnode_cpu_usage_seconds_total 0.98\n".utf8))
        case (.get, "/pods"):
            response = .json(Array(#"{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]}"#.utf8))
        case (.get, "/healthz"):
            response = .text("ok")
        case (_, "/echo"):
            response = .text("\(request.method) \(String(decoding: request.body, as: UTF8.self))", status: HTTPStatus(202))
        default:
            response = .text("404 page not found\n", status: .notFound)
        }
        try? await writer.respond(response)
    }

    /// A follow stream: chunked lines, as a kubelet writes them while the container logs.
    private func follow(_ prefix: String, _ writer: any HTTPResponseWriter) async {
        do {
            try writer.writeHead(.ok, headers: ["Content-Type": "text/plain"])
            try await writer.write(Array("\(prefix) follow line 1\n".utf8))
            if holdFollow {
                await writer.closed()
                hungUp.open()
                return
            }
            try await writer.write(Array("\(prefix) follow line 2\n".utf8))
            if let followRelease { await followRelease.wait() }
            try await writer.write(Array("\(prefix) follow line 3\n".utf8))
            try await writer.write(Array("\(prefix) follow line 4\n".utf8))
        } catch {}
        writer.end()
    }
}
