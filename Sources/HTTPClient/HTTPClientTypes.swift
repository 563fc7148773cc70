import HTTP

/// TLS settings for outbound connections.
public struct ClientTLSConfiguration: Sendable, Equatable {
    /// Trust anchors for the server's certificate; nil = the system's CA bundle.
    public var certificateAuthority: PEMSource?
    /// A client certificate (and its key) to present, for mutual TLS.
    public var clientCertificate: PEMSource?
    public var clientKey: PEMSource?
    /// Skips server verification (kubeconfig `insecure-skip-tls-verify`). Never the default.
    public var insecureSkipVerify = false
    /// The name to send as SNI and to verify the server's certificate against, instead of the URL's
    /// host (kubeconfig `tls-server-name`); the connection still goes to the URL's host.
    public var serverName: String?

    public init(
        certificateAuthority: PEMSource? = nil, clientCertificate: PEMSource? = nil, clientKey: PEMSource? = nil,
        insecureSkipVerify: Bool = false
    ) {
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecureSkipVerify = insecureSkipVerify
    }
}

/// Which proxy requests go through.
public enum ProxySetting: Sendable, Equatable {
    /// `http_proxy`, `https_proxy` and `no_proxy` from the environment, as Go's ProxyFromEnvironment
    /// reads them (client-go, kubectl): never for a loopback server, which a proxy could not reach.
    case environment
    case none
    /// Every request, whatever the environment says (kubeconfig `proxy-url`): http, https or socks5.
    case url(String)
}

public struct HTTPClientConfiguration: Sendable {
    public var tls = ClientTLSConfiguration()
    public var proxy = ProxySetting.environment
    /// Sent as `Authorization: Bearer …` unless a request sets its own Authorization header.
    public var bearerToken: String?
    public var connectTimeout: Duration = .seconds(10)
    /// Total time for a buffered request (`execute`); streams have no total timeout unless the request sets one.
    public var timeout: Duration = .seconds(60)
    /// Bytes a streamed response may buffer ahead of its reader before the transfer is paused.
    public var streamBufferLimit = 1 << 20
    /// Idle connections kept for reuse: by the pool, and by curl's connection cache for streams and
    /// proxied requests.
    public var maxIdleConnections = 128
    /// Connections open to one server at once, and requests in flight (0: no limit); further requests
    /// wait in the client, in order, for one to finish (a client that talks to several servers shares
    /// the in-flight limit among them).
    /// Without a limit a burst of requests opens a connection — a TLS handshake — for each, and all
    /// but `maxIdleConnections` are closed again afterwards. A watch holds its connection while it lasts.
    public var maxConnectionsPerHost = 128
    public var userAgent = "node-agent"

    public init() {}
}

public struct HTTPClientRequest: Sendable {
    public var method: HTTPMethod
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]?
    /// Overrides the configuration's timeout (buffered) or sets one (streamed).
    public var timeout: Duration?

    public init(
        method: HTTPMethod = .get, url: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

public struct HTTPClientResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Returns self for a 2xx status, else throws an `HTTPClientError` of kind `.status`.
    @discardableResult
    public func requireSuccess(_ request: HTTPClientRequest) throws -> HTTPClientResponse {
        guard status.isSuccess else {
            throw HTTPClientError(
                .status, "\(request.method) \(request.url): \(status): \(String(decoding: body.prefix(512), as: UTF8.self))",
                status: status)
        }
        return self
    }
}
