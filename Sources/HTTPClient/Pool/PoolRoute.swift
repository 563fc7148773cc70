import Glibc
import HTTP
import Loop

/// One server the pool talks to: its route, the connections kept open to it between requests, and
/// the header lines every request to it starts with.
@LoopActor
final class PoolRoute {
    let route: Route
    /// Whether the pool serves this route: http or https with no proxy in the way. A proxy (named by
    /// the configuration or, for curl, by the environment) leaves the route to curl's own engine.
    let usesPool: Bool
    /// The URL curl connects to (CURLOPT_CONNECT_ONLY): scheme and authority, with the TLS server name.
    let connectURL: String
    /// Whether connections to it are secured with TLS (https).
    let secure: Bool
    /// The header lines curl adds to every request unless the request sets them.
    private let defaultLines: [(name: String, line: [UInt8])]
    /// The encoded header lines of recent requests' headers, most recent last: a heartbeat sends the
    /// same two thousands of times a second, and encoding them each time was 3 % of its CPU.
    private var headerBlocks: [(headers: HTTPHeaders, lines: [UInt8])] = []
    private static let maxHeaderBlocks = 8
    /// Most recently used last: it is taken first, so that a quiet period lets the others age out.
    var idle: [PooledConnection] = []
    /// The connection gathering pipelined requests in this loop turn, if any.
    weak var filling: PooledConnection?

    init(_ route: Route, configuration: HTTPClientConfiguration) {
        self.route = route
        let sent = route.sentURL(route.prefix)
        connectURL = sent
        let scheme = sent.prefix { $0 != ":" }.lowercased()
        let proxied = route.proxy.map { !$0.isEmpty } ?? Self.environmentNamesProxy(for: scheme)
        usesPool = (scheme == "http" || scheme == "https") && !proxied
        secure = scheme == "https"
        let authority = sent.drop { $0 != ":" }.dropFirst(3)
        let host = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        defaultLines = [("Host", String(host)), ("User-Agent", configuration.userAgent), ("Accept", "*/*")].map { name, value in
            (name, Array("\(name): \(value)\r\n".utf8))
        }
    }

    /// The proxy variables curl reads for `scheme` (curl itself applies `no_proxy`; a route it might
    /// proxy stays with it).
    private static func environmentNamesProxy(for scheme: String) -> Bool {
        let names = (scheme == "https" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy"]) + ["all_proxy", "ALL_PROXY"]
        return names.contains { name in getenv(name).map { $0.pointee != 0 } ?? false }
    }

    /// `request`, which this route serves, as bytes on the wire: the request line, curl's header lines,
    /// the bearer token unless the request brings its own Authorization, the request's headers (one
    /// with an empty value is left out, as curl leaves it), the length and the body.
    func encode(_ request: HTTPClientRequest, bearerToken: String?) -> [UInt8] {
        let lines = headerLines(request.headers, bearerToken: bearerToken)
        let rest = request.url.utf8.dropFirst(route.prefix.utf8.count)
        let target = rest.prefix { $0 != UInt8(ascii: "#") }
        var wire: [UInt8] = []
        wire.reserveCapacity(64 + target.count + lines.count + (request.body?.count ?? 0))
        wire.append(contentsOf: request.method.rawValue.utf8)
        wire.append(UInt8(ascii: " "))
        if target.first != UInt8(ascii: "/") { wire.append(UInt8(ascii: "/")) }
        wire.append(contentsOf: target)
        wire.append(contentsOf: " HTTP/1.1\r\n".utf8)
        wire.append(contentsOf: lines)
        // curl sends a length for a POST even without a body, and none for other methods.
        if request.body != nil || request.method == .post {
            wire.append(contentsOf: "Content-Length: ".utf8)
            wire.appendDecimal(request.body?.count ?? 0)
            wire.append(contentsOf: "\r\n".utf8)
        }
        wire.append(contentsOf: "\r\n".utf8)
        if let body = request.body { wire.append(contentsOf: body) }
        return wire
    }

    private func headerLines(_ headers: HTTPHeaders, bearerToken: String?) -> [UInt8] {
        if let kept = headerBlocks.last(where: { $0.headers == headers }) { return kept.lines }
        var lines: [UInt8] = []
        for (name, line) in defaultLines where !headers.contains(name) { lines.append(contentsOf: line) }
        var all = headers
        if let bearerToken, !headers.contains("Authorization") { all.add("Authorization", "Bearer \(bearerToken)") }
        for (name, value) in all where !value.isEmpty { lines.append(contentsOf: "\(name): \(value)\r\n".utf8) }
        if headerBlocks.count == Self.maxHeaderBlocks { headerBlocks.removeFirst() }
        headerBlocks.append((headers, lines))
        return lines
    }

    /// Closes the kept connections of a route the pool no longer keeps.
    func closeIdle() {
        for connection in idle { connection.close() }
        idle = []
    }
}
