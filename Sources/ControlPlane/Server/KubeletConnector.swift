import HTTP
import HTTPClient
import Loop

/// The API server's HTTPS clients to kubelets, made on first use: one presenting the kubelet client
/// certificate (logs, node proxy to the kubelet port), one for node proxy to any other port, which
/// kube-apiserver's proxy transport reaches without client certificate or server verification.
@LoopActor
final class KubeletConnector {
    private let tls: ClientTLSConfiguration?
    private var authenticated: HTTPClient?
    private var plain: HTTPClient?

    init(tls: ClientTLSConfiguration?) { self.tls = tls }

    /// What kube-apiserver's Go client sends as User-Agent when it calls a kubelet for logs.
    static let userAgent = "Go-http-client/1.1"

    /// The client for the kubelet port; a 500 when the control plane has no kubelet client credentials.
    func kubeletClient() throws(APIError) -> HTTPClient {
        if let authenticated { return authenticated }
        guard let tls else {
            throw APIError.internalError(
                "the API server has no kubelet client certificate configured (kubeletClientTLS): it cannot reach kubelets")
        }
        let client = HTTPClient(configuration: Self.configuration(tls))
        authenticated = client
        return client
    }

    /// The client for other ports of a node (`nodes/<name>:<port>/proxy`).
    func otherPortClient() -> HTTPClient {
        if let plain { return plain }
        let client = HTTPClient(configuration: Self.configuration(ClientTLSConfiguration(insecureSkipVerify: true)))
        plain = client
        return client
    }

    func shutdown() {
        authenticated?.shutdown()
        plain?.shutdown()
        authenticated = nil
        plain = nil
    }

    private static func configuration(_ tls: ClientTLSConfiguration) -> HTTPClientConfiguration {
        var configuration = HTTPClientConfiguration()
        configuration.tls = tls
        configuration.userAgent = userAgent
        return configuration
    }

    /// A failed kubelet call worded as Go's net/http words it after `Get "<url>": `: a connection closed
    /// without an answer is `EOF`, a refused one `dial tcp <host:port>: connect: connection refused`.
    static func goErrorText(_ error: HTTPClientError, authority: String) -> String {
        let detail = error.message.range(of: " failed: ").map { String(error.message[$0.upperBound...]) } ?? error.message
        let lowered = detail.lowercased()
        switch error.kind {
        case .connect:
            if lowered.contains("refused") || lowered.contains("couldn't connect") {
                return "dial tcp \(authority): connect: connection refused"
            }
            return "dial tcp \(authority): \(detail)"
        case .dns: return "dial tcp: lookup \(authority): \(detail)"
        case .timeout: return "dial tcp \(authority): i/o timeout"
        case .tlsVerify: return "x509: \(detail)"
        case .cancelled: return "context canceled"
        default:
            if lowered.contains("empty reply") || lowered.contains("unexpected eof") || lowered.contains("eof") {
                return "EOF"
            }
            if lowered.contains("reset by peer") { return "read tcp \(authority): read: connection reset by peer" }
            return detail
        }
    }
}
