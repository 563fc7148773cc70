import HTTPClient
import Loop

/// The API server's HTTPS clients to admission webhooks, one per trust and timeout, kept between
/// calls as kube-apiserver keeps them: each call then goes out on a kept connection instead of
/// paying a TCP connect and a TLS handshake (on a pod storm, one per pod and webhook).
@LoopActor
final class WebhookClients {
    struct Key: Hashable {
        /// The PEM of `caBundle`, or nil for the system's roots.
        var certificateAuthority: String?
        var timeoutSeconds: Int
    }

    /// Most recently used last; the oldest is shut down past `capacity`.
    private var clients: [(key: Key, client: HTTPClient)] = []
    private let capacity: Int

    init(capacity: Int = 32) { self.capacity = capacity }

    var count: Int { clients.count }

    func client(for key: Key) -> HTTPClient {
        if let index = clients.firstIndex(where: { $0.key == key }) {
            let entry = clients.remove(at: index)
            clients.append(entry)
            return entry.client
        }
        var configuration = HTTPClientConfiguration()
        configuration.userAgent = "kube-apiserver-admission"
        configuration.timeout = .seconds(key.timeoutSeconds)
        configuration.connectTimeout = .seconds(key.timeoutSeconds)
        if let pem = key.certificateAuthority { configuration.tls.certificateAuthority = .pem(pem) }
        let client = HTTPClient(configuration: configuration)
        clients.append((key, client))
        if clients.count > capacity { clients.removeFirst().client.shutdown() }
        return client
    }

    func shutdown() {
        for entry in clients { entry.client.shutdown() }
        clients = []
    }
}
