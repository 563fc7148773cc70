import CCurl
import HTTP

/// A request's header lines as curl takes them (CURLOPT_HTTPHEADER), shared by the requests that
/// send the same headers: a heartbeat sends the same two or three thousands of times a second, and
/// building the list each time (strings, then two mallocs a line in curl) was about 1 % of its CPU.
final class HeaderList {
    let lines: UnsafeMutablePointer<curl_slist>?
    /// What the lines were made from (the configuration is the client's own, the same for all).
    private let requestHeaders: HTTPHeaders
    private let hasBody: Bool

    init(_ request: HTTPClientRequest, _ configuration: HTTPClientConfiguration) {
        requestHeaders = request.headers
        hasBody = Self.hasBody(request)
        var headers = request.headers
        if let token = configuration.bearerToken, !headers.contains("Authorization") {
            headers.add("Authorization", "Bearer \(token)")
        }
        // curl would otherwise add `Expect: 100-continue` to large bodies and a form Content-Type.
        if !headers.contains("Expect") { headers.add("Expect", "") }
        if hasBody, !headers.contains("Content-Type") { headers.add("Content-Type", "") }
        var lines: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers {
            // "Name:" with nothing after removes a header curl adds by default.
            lines = curl_slist_append(lines, value.isEmpty ? "\(name):" : "\(name): \(value)")
        }
        self.lines = lines
    }

    deinit { curl_slist_free_all(lines) }

    func serves(_ request: HTTPClientRequest) -> Bool {
        hasBody == Self.hasBody(request) && requestHeaders == request.headers
    }

    private static func hasBody(_ request: HTTPClientRequest) -> Bool {
        request.body != nil || request.method == .post
    }
}
