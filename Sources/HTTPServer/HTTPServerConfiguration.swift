import HTTP
import Loop

/// Serving certificate and, optionally, client-certificate verification for an HTTPS server.
public struct TLSConfiguration: Sendable {
    /// PEM certificates: the leaf first, then intermediates (sent as the chain).
    public var certificateChain: PEMSource
    public var privateKey: PEMSource
    /// When set, client certificates are requested and verified against these CA certificates.
    public var clientCA: PEMSource?
    /// True: the handshake fails without a valid client certificate. False: a client certificate is
    /// optional, but verified when sent. Requires `clientCA`.
    public var requireClientCertificate: Bool

    public init(
        certificateChain: PEMSource, privateKey: PEMSource, clientCA: PEMSource? = nil,
        requireClientCertificate: Bool = false
    ) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.clientCA = clientCA
        self.requireClientCertificate = requireClientCertificate
    }
}

public struct HTTPServerConfiguration: Sendable {
    /// An IP literal (IPv4 or IPv6) or "localhost".
    public var host = "127.0.0.1"
    /// 0 picks an ephemeral port; read it back from `HTTPServer.port`.
    public var port = 0
    /// HTTPS when set.
    public var tls: TLSConfiguration?
    /// A request line plus header block larger than this is answered 431, then the connection closes.
    public var maxHeaderBytes = 64 * 1024
    /// A request body larger than this is answered 413, then the connection closes.
    public var maxBodyBytes = 16 * 1024 * 1024
    /// From accept, or from the first byte of a request, until its headers are complete (slowloris).
    public var headerTimeout: Duration = .seconds(10)
    /// How long a keep-alive connection may sit idle between requests (and a body upload may stall).
    public var idleTimeout: Duration = .seconds(60)
    /// `HTTPResponseWriter.write` and `UpgradedConnection.write` suspend while more bytes than this
    /// are queued for the socket.
    public var writeHighWaterMark = 1 << 20
    public var backlog: Int32 = 511
    /// Drives the timeouts and the stop grace period; tests inject a `ManualClock`.
    public var clock: any LoopClock = UVClock.shared

    public init(host: String = "127.0.0.1", port: Int = 0, tls: TLSConfiguration? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
    }
}

public enum HTTPServerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Unusable TLS material: "cannot read certificate /x: No such file or directory".
    case tls(String)
    /// Binding or listening failed: "127.0.0.1:80: permission denied".
    case bind(String)
    /// A configuration value out of range.
    case invalidConfiguration(String)
    /// `start()` was called on a server that is already running or stopped.
    case invalidState(String)

    public var description: String {
        switch self {
        case .tls(let message): "TLS: \(message)"
        case .bind(let message): "cannot listen on \(message)"
        case .invalidConfiguration(let message): "invalid HTTP server configuration: \(message)"
        case .invalidState(let message): "HTTP server: \(message)"
        }
    }
}
