import HTTP
import HTTPClient

/// Everything needed to talk to one API server, resolved from a kubeconfig context or in-cluster.
public struct ClusterConnection: Sendable, Equatable {
    /// The API server's base URL without a trailing slash, e.g. `https://10.0.0.1:6443`.
    public var server: String
    public var tls: ClientTLSConfiguration
    /// The name to verify the server certificate against, when it differs from the URL's host.
    public var tlsServerName: String?
    /// kubeconfig `proxy-url`, else the environment's proxy.
    public var proxy = ProxySetting.environment
    /// The context's namespace, or "default".
    public var namespace: String
    public var credentials: CredentialSource
    /// Where this came from, for logs: `kubeconfig /x/config, context "dev"` or `in-cluster`.
    public var origin: String

    public init(
        server: String, tls: ClientTLSConfiguration = ClientTLSConfiguration(), tlsServerName: String? = nil,
        namespace: String = "default", credentials: CredentialSource = .none, origin: String = ""
    ) {
        self.server = server
        self.tls = tls
        self.tlsServerName = tlsServerName
        self.namespace = namespace
        self.credentials = credentials
        self.origin = origin
    }

    /// A client configuration with this connection's TLS settings. A static token becomes the
    /// configuration's bearer token; rotating sources (token file, exec, basic) are applied per
    /// request through `Credentials`.
    public func httpClientConfiguration() -> HTTPClientConfiguration {
        var configuration = HTTPClientConfiguration()
        configuration.tls = tls
        configuration.tls.serverName = tlsServerName
        configuration.proxy = proxy
        if case .token(let token) = credentials { configuration.bearerToken = token }
        return configuration
    }
}

/// How requests authenticate, beyond TLS.
public enum CredentialSource: Sendable, Equatable {
    case none
    case token(String)
    /// Re-read when the file changes (service-account tokens are rotated in place).
    case tokenFile(String)
    case basic(username: String, password: String)
    /// The certificate and key are already in `ClusterConnection.tls`.
    case clientCertificate
    case exec(ExecConfig)
}

/// A kubeconfig that cannot be used, with the file and the field at fault.
public struct KubeConfigError: Error, CustomStringConvertible, Equatable {
    /// The kubeconfig file at fault, when there is one.
    public var file: String?
    public var message: String

    public init(file: String?, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String {
        guard let file else { return message }
        return "kubeconfig \(file): \(message)"
    }
}
