import Loop

/// Maps method + path to a handler. Patterns are `/`-separated literal segments, `{name}` (one
/// non-empty segment) and a final `{name...}` (the rest of the path, possibly empty). Literal segments
/// win over parameters, so `/pods/{ns}` and `/pods/running` can coexist.
public struct Router: Sendable {
    public enum Match: Sendable {
        case found(HTTPHandler, parameters: [String: String])
        /// The path exists for other methods (answer 405 with `Allow`).
        case methodNotAllowed(allowed: [HTTPMethod])
        case notFound
    }

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest(String)

        var rank: Int {
            switch self {
            case .literal: 0
            case .parameter: 1
            case .rest: 2
            }
        }
    }

    private struct Route: Sendable {
        let method: HTTPMethod
        let segments: [Segment]
        let handler: HTTPHandler
    }

    private var routes: [Route] = []

    public init() {}

    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: HTTPHandler) {
        let segments = Self.split(pattern).enumerated().map { index, raw -> Segment in
            guard raw.hasPrefix("{"), raw.hasSuffix("}") else { return .literal(String(raw)) }
            let name = raw.dropFirst().dropLast()
            if name.hasSuffix("...") {
                precondition(index == Self.split(pattern).count - 1, "\(pattern): {rest...} must be last")
                return .rest(String(name.dropLast(3)))
            }
            return .parameter(String(name))
        }
        routes.append(Route(method: method, segments: segments, handler: handler))
        // Most specific first: compare segment kinds position by position.
        routes.sort { a, b in
            for (x, y) in zip(a.segments, b.segments) where x.rank != y.rank { return x.rank < y.rank }
            return a.segments.count > b.segments.count
        }
    }

    public mutating func get(_ pattern: String, _ handler: @escaping @LoopActor @Sendable (HTTPRequest) -> HTTPResponse) {
        add(.get, pattern, .immediate(handler))
    }

    public mutating func get(
        _ pattern: String, streaming handler: @escaping @LoopActor @Sendable (HTTPRequest, any HTTPResponseWriter) async -> Void
    ) {
        add(.get, pattern, .streaming(handler))
    }

    public mutating func post(_ pattern: String, _ handler: @escaping @LoopActor @Sendable (HTTPRequest) -> HTTPResponse) {
        add(.post, pattern, .immediate(handler))
    }

    public mutating func post(
        _ pattern: String, streaming handler: @escaping @LoopActor @Sendable (HTTPRequest, any HTTPResponseWriter) async -> Void
    ) {
        add(.post, pattern, .streaming(handler))
    }

    /// Finds the handler for `path` (percent-encoded, without the query). HEAD falls back to GET.
    public func match(_ method: HTTPMethod, path: Substring) -> Match {
        let parts = PercentEncoding.pathSegments(path)
        var allowed: [HTTPMethod] = []
        var headFallback: Match?
        for route in routes where Self.fits(route.segments, parts) {
            if route.method == method { return .found(route.handler, parameters: Self.bind(route.segments, to: parts)) }
            if method == .head, route.method == .get, headFallback == nil {
                headFallback = .found(route.handler, parameters: Self.bind(route.segments, to: parts))
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if let headFallback { return headFallback }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    private static func split<S: StringProtocol>(_ path: S) -> [S.SubSequence] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// Whether the decoded `parts` fit the pattern; checked before any parameter is bound, since
    /// most routes do not fit.
    private static func fits(_ segments: [Segment], _ parts: [String]) -> Bool {
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .literal(let text): guard index < parts.count, parts[index] == text else { return false }
            case .parameter: guard index < parts.count else { return false }
            case .rest: return true
            }
        }
        return segments.count == parts.count
    }

    private static func bind(_ segments: [Segment], to parts: [String]) -> [String: String] {
        var parameters: [String: String] = [:]
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .literal: continue
            case .parameter(let name): parameters[name] = parts[index]
            case .rest(let name): parameters[name] = parts[index...].joined(separator: "/")
            }
        }
        return parameters
    }
}
