import HTTP
import HTTPClient
import Kube
import Loop

extension APIServer {
    /// `nodes/<name>[:<port>]/proxy/<path>`: forwards the request, with the caller's headers, to the
    /// node's kubelet and passes its status, headers and body back verbatim (a kubelet 404 or 500 is
    /// the client's 404 or 500, its text body unchanged). Only an unreachable kubelet is a Status.
    func nodeProxy(_ context: RequestContext, _ writer: any HTTPResponseWriter) async throws {
        let request = context.request
        let id = context.info.name ?? ""
        let (scheme, name, port) = try Self.splitSchemeNamePort(id)
        var location = try kubeletLocation(node: name)
        let client: HTTPClient
        if let port, port != location.port {
            // Another port of the node: kube-apiserver's plain proxy transport, the scheme as asked.
            location.scheme = scheme.isEmpty ? "http" : scheme
            location.port = port
            client = kubelet.otherPortClient()
        } else {
            client = try kubelet.kubeletClient()
        }

        let path = String(request.path)
        guard let rest = Self.proxySubpath(path) else {
            // As kube-apiserver does for an empty proxy path (kubernetes issue 4958): add the slash.
            let query = request.target.firstIndex(of: "?").map { String(request.target[$0...]) } ?? ""
            let redirect = HTTPResponse(status: HTTPStatus(301), headers: ["Location": path + "/" + query])
            return await send(redirect, to: writer)
        }
        let query = request.target.firstIndex(of: "?").map { String(request.target[request.target.index(after: $0)...]) } ?? ""
        let url = location.url(path: "/" + rest, query: query)
        let hasBody = !request.body.isEmpty || [HTTPMethod.post, .put, .patch].contains(request.method)
        let forwarded = HTTPClientRequest(
            method: request.method, url: url, headers: Self.forwardedHeaders(request, path: path),
            body: hasBody ? request.body : nil)
        let upstream: HTTPClientStream
        do {
            upstream = try await client.stream(forwarded)
        } catch {
            throw APIError.unknown(
                "error trying to reach service: \(KubeletConnector.goErrorText(error, authority: location.authority))")
        }
        var headers: HTTPHeaders = ["Cache-Control": "no-cache, private"]
        for (field, value) in upstream.headers where !Self.isHopByHop(field, in: upstream.headers) {
            headers.add(field, value)
        }
        try writer.writeHead(upstream.status, headers: headers)
        await relay(upstream, to: writer)
    }

    /// `[scheme:]name[:port]` as apimachinery's SplitSchemeNamePort reads it; the scheme may be
    /// http or https, the port must be a number.
    static func splitSchemeNamePort(_ id: String) throws(APIError) -> (scheme: String, name: String, port: Int?) {
        let parts = id.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var scheme = ""
        var name = ""
        var port = ""
        switch parts.count {
        case 1: name = parts[0]
        case 2: (name, port) = (parts[0], parts[1])
        case 3: (scheme, name, port) = (parts[0], parts[1], parts[2])
        default: throw APIError.badRequest("invalid node request \"\(id)\"")
        }
        guard !name.isEmpty, ["", "http", "https"].contains(scheme) else {
            throw APIError.badRequest("invalid node request \"\(id)\"")
        }
        if port.isEmpty { return (scheme, name, nil) }
        guard let number = Int(port), (1...65535).contains(number) else {
            throw APIError.badRequest("invalid node request \"\(id)\"")
        }
        return (scheme, name, number)
    }

    /// The still-encoded path after `nodes/<name>/proxy/`; nil when the request ends at `proxy`
    /// without a slash.
    static func proxySubpath(_ path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let index = segments.indices.first(where: {
            segments[$0] == "nodes" && $0 + 2 < segments.count && segments[$0 + 2] == "proxy"
        }) else { return nil }
        let start = index + 3
        guard start < segments.count else { return nil }
        return segments[start...].joined(separator: "/")
    }

    /// The caller's headers minus its credentials, the hop-by-hop ones and its body framing (curl frames
    /// the body anew), plus `X-Forwarded-For` (appended to earlier hops) and `X-Forwarded-Uri`, as
    /// kube-apiserver's proxy sends them.
    static func forwardedHeaders(_ request: HTTPRequest, path: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for (field, value) in request.headers
        where !isHopByHop(field, in: request.headers)
            && !["Authorization", "Expect", "Content-Length", "X-Forwarded-For"].contains(where: { isSame($0, field) })
        {
            headers.add(field, value)
        }
        let prior = request.headers.values("X-Forwarded-For")
        headers.add("X-Forwarded-For", (prior + [clientIP(request.remoteAddress)]).joined(separator: ", "))
        headers.add("X-Forwarded-Uri", path)
        return headers
    }

    /// `1.2.3.4:5678` or `[::1]:5678` → the address alone.
    static func clientIP(_ remote: String) -> String {
        var host = remote
        if let colon = host.lastIndex(of: ":"), !host[host.index(after: colon)...].contains("]") {
            host = String(host[..<colon])
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host
    }

    static let hopByHopHeaders = [
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade",
    ]

    /// Headers that describe one connection, not the message, and any the `Connection` header names.
    static func isHopByHop(_ field: String, in headers: HTTPHeaders) -> Bool {
        hopByHopHeaders.contains { isSame($0, field) } || headers.hasToken(field, in: "Connection")
    }

    private static func isSame(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }
}
