import HTTP
import Kube

/// How the agent's kubelet API listens and whom it lets in (SPEC §1.5; the kubelet's flags of the same names).
public struct KubeletAPIConfiguration: Sendable {
    /// Who may do what, once a caller is authenticated (`--authorization-mode`).
    public enum AuthorizationMode: String, Sendable, Equatable {
        /// Every authenticated caller may do everything.
        case alwaysAllow = "AlwaysAllow"
        /// Each request is checked with a SubjectAccessReview on `nodes/<subresource>`.
        case webhook = "Webhook"
    }

    /// An IP literal to bind (`--listen-address`).
    public var listenAddress = "0.0.0.0"
    /// `--kubelet-port`; 0 picks a free port (read it back from `KubeletServer.port`).
    public var port = 10250
    /// The serving certificate chain and key (`--tls-cert-file`, `--tls-private-key-file`). Nil: a
    /// self-signed certificate for `certificateIPAddresses` and `certificateDNSNames` is made at start.
    public var servingCertificate: PEMSource?
    public var servingKey: PEMSource?
    /// The subjectAltNames of the self-signed certificate: the node IP, and the node names/hostname.
    public var certificateIPAddresses: [String] = ["127.0.0.1"]
    public var certificateDNSNames: [String] = ["localhost"]
    /// `--client-ca-file`: client certificates signed by these CAs authenticate as CN (user) and O (groups).
    public var clientCAFile: PEMSource?
    /// `--anonymous-auth`: requests without credentials pass as `system:anonymous`.
    public var anonymousAuth = false
    /// `--authentication-token-webhook`: bearer tokens are checked with a TokenReview.
    public var authenticationTokenWebhook = false
    public var authorizationMode = AuthorizationMode.alwaysAllow
    /// Wall time: turns a log request's `sinceTime` into seconds ago. Tests inject a fixed clock.
    public var now: @Sendable () -> Time = { Time.now() }

    public init(
        listenAddress: String = "0.0.0.0", port: Int = 10250, servingCertificate: PEMSource? = nil,
        servingKey: PEMSource? = nil, clientCAFile: PEMSource? = nil, anonymousAuth: Bool = false,
        authenticationTokenWebhook: Bool = false, authorizationMode: AuthorizationMode = .alwaysAllow
    ) {
        self.listenAddress = listenAddress
        self.port = port
        self.servingCertificate = servingCertificate
        self.servingKey = servingKey
        self.clientCAFile = clientCAFile
        self.anonymousAuth = anonymousAuth
        self.authenticationTokenWebhook = authenticationTokenWebhook
        self.authorizationMode = authorizationMode
    }

    /// Whether a reviewer (an API server client) is needed to answer requests.
    var needsReviewer: Bool { authenticationTokenWebhook || authorizationMode == .webhook }

    /// Rejects what cannot work, in one line.
    func validate(hasReviewer: Bool) throws(KubeletServerError) {
        guard (0...65535).contains(port) else { throw .invalidConfiguration("port \(port) is out of range") }
        guard (servingCertificate == nil) == (servingKey == nil) else {
            throw .invalidConfiguration("a serving certificate needs its private key, and a key its certificate")
        }
        if needsReviewer, !hasReviewer {
            throw .invalidConfiguration(
                "--authentication-token-webhook and --authorization-mode=Webhook need an API server to ask")
        }
    }
}

public enum KubeletServerError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    /// The self-signed serving certificate could not be made.
    case certificate(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): "kubelet API: \(message)"
        case .certificate(let message): "kubelet API serving certificate: \(message)"
        }
    }
}
