import CCurl
import HTTP

/// A failed request, saying which step failed.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case invalidRequest
        case dns
        case connect
        /// TLS handshake or local TLS material (certificate, key) failed.
        case tls
        /// The server's certificate was not trusted.
        case tlsVerify
        case timeout
        case cancelled
        /// The server answered with a non-success status (`requireSuccess`).
        case status
        /// The connection broke mid-transfer or another transport error.
        case transport
    }

    public let kind: Kind
    public let message: String
    public let status: HTTPStatus?

    public init(_ kind: Kind, _ message: String, status: HTTPStatus? = nil) {
        self.kind = kind
        self.message = message
        self.status = status
    }

    public var description: String { message }

    /// Whether retrying the same request could succeed (connection-level failures and timeouts).
    public var isTransient: Bool { [.dns, .connect, .timeout, .transport].contains(kind) }

    init(code: CURLcode, detail: String, request: HTTPClientRequest) {
        let kind: Kind =
            switch code {
            case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT: .invalidRequest
            case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .dns
            case CURLE_COULDNT_CONNECT: .connect
            case CURLE_OPERATION_TIMEDOUT: .timeout
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR: .tlsVerify
            case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND,
                CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE,
                CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
                .tls
            default: .transport
            }
        // curl's error buffer says the most (host, port, OpenSSL's reason); its code's summary is the fallback.
        self.init(kind, detail: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail, request: request)
    }

    init(_ kind: Kind, detail: String, request: HTTPClientRequest) {
        self.init(kind, "\(request.method) \(request.url): \(Self.step(kind)) failed: \(detail)")
    }

    private static func step(_ kind: Kind) -> String {
        switch kind {
        case .invalidRequest: "request"
        case .dns: "DNS lookup"
        case .connect: "connect"
        case .tls: "TLS"
        case .tlsVerify: "TLS verification"
        case .timeout: "request (timed out)"
        case .cancelled: "request (cancelled)"
        case .status: "request"
        case .transport: "transfer"
        }
    }
}
