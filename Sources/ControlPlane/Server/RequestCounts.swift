import HTTP

/// One series of `apiserver_request_total`, the counter a kube-apiserver serves on `/metrics`
/// (here without its `code`, `scope` and `group` labels).
public struct RequestCountKey: Hashable, Sendable {
    public var verb: String
    public var resource: String

    /// The verb as the kube-apiserver labels it: the HTTP method for writes, GET/LIST/WATCH for reads.
    public var httpVerb: String {
        switch verb {
        case "create": "POST"
        case "update": "PUT"
        default: verb.uppercased()
        }
    }

    /// The Prometheus text of the counts, sorted for stable output.
    static func metrics(_ counts: [RequestCountKey: Int]) -> HTTPResponse {
        var text = "# HELP apiserver_request_total Counter of apiserver requests broken out by verb and resource.\n"
        text += "# TYPE apiserver_request_total counter\n"
        for (key, count) in counts.sorted(by: { ($0.key.verb, $0.key.resource) < ($1.key.verb, $1.key.resource) }) {
            text += "apiserver_request_total{resource=\"\(key.resource)\",verb=\"\(key.httpVerb)\"} \(count)\n"
        }
        var response = HTTPResponse.text(text)
        response.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        return response
    }
}
