import HTTP
import HTTPClient
import HTTPServer
import Kube
import Loop
import NodeAgent
import Providers
import TestSupport

/// Certificates made in process once per test run: a CA that signs the kubelet's serving certificate
/// and the clients it trusts, and an unrelated CA whose client the kubelet must refuse.
struct KubeletPKI: Sendable {
    let authority: CertificateAuthority
    let serving: IssuedCertificate
    /// What the API server presents to kubelets: CN=kube-apiserver-kubelet-client, O=system:masters.
    let apiServerClient: IssuedCertificate
    /// CN=viewer, no groups.
    let viewer: IssuedCertificate
    /// Signed by another CA.
    let stranger: IssuedCertificate

    static let shared = Result { () throws(CertificateError) -> KubeletPKI in
        let authority = try CertificateAuthority.generate(commonName: "kubelet-test-ca")
        let other = try CertificateAuthority.generate(commonName: "stranger-ca")
        return KubeletPKI(
            authority: authority,
            serving: try authority.issue(
                CertificateSubject(commonName: "127.0.0.1"), usage: .serverAuth, dnsNames: ["localhost"],
                ipAddresses: ["127.0.0.1"]),
            apiServerClient: try authority.issue(
                CertificateSubject(commonName: "kube-apiserver-kubelet-client", organizations: ["system:masters"]),
                usage: .clientAuth),
            viewer: try authority.issue(CertificateSubject(commonName: "viewer"), usage: .clientAuth),
            stranger: try other.issue(CertificateSubject(commonName: "mallory"), usage: .clientAuth))
    }
}

/// The provider's wall clock, moved by the test.
final class TestClock: Sendable {
    static let start = Time(seconds: 1_800_000_000)
    private let time = Locked(TestClock.start)

    var now: Time { time.withLock { $0 } }
    func advance(_ duration: Duration) { time.withLock { $0 += duration } }
}

/// What the agent would tell the kubelet API: its nodes and which pod runs where.
@LoopActor
final class FakeKubeletSource: KubeletAPISource {
    var nodeNames: [String]
    var placed: [(pod: Pod, node: String)] = []

    init(nodes: [String]) { nodeNames = nodes }

    func pods(on node: String?) -> [Pod] { placed.filter { node == nil || $0.node == node }.map(\.pod) }

    func node(ofPod namespace: String, _ name: String) -> String? {
        placed.first { $0.pod.metadata.namespace == namespace && $0.pod.metadata.name == name }?.node
    }
}

/// A kubelet API on 127.0.0.1 over a mock provider (or another one), and clients to call it.
@LoopActor
final class KubeletFixture {
    let pki: KubeletPKI
    let clock = TestClock()
    let mock: MockProvider
    let source: FakeKubeletSource
    let metrics = MetricsRegistry()
    let server: KubeletServer
    private var clients: [HTTPClient] = []

    init(
        nodes: [String] = ["node-0"], provider: (any Provider)? = nil, reviewer: (any KubeletReviewer)? = nil,
        configure: (inout KubeletAPIConfiguration) -> Void = { _ in }
    ) throws {
        pki = try KubeletPKI.shared.get()
        mock = MockProvider(now: { [clock] in clock.now })
        source = FakeKubeletSource(nodes: nodes)
        var configuration = KubeletAPIConfiguration(
            listenAddress: "127.0.0.1", port: 0, servingCertificate: .pem(pki.serving.certificatePEM),
            servingKey: .pem(pki.serving.privateKeyPEM), clientCAFile: .pem(pki.authority.certificatePEM))
        configuration.now = { [clock] in clock.now }
        configure(&configuration)
        server = try KubeletServer(
            configuration: configuration, provider: provider ?? mock, providerName: "mock", source: source,
            metrics: metrics, reviewer: reviewer)
        try server.start()
    }

    func stop() async {
        for client in clients { client.shutdown() }
        await server.stop()
    }

    var url: String { "https://127.0.0.1:\(server.port)" }

    /// A client that trusts `certificateAuthority` (the test CA by default) and presents `certificate`.
    func client(certificate: IssuedCertificate?, token: String? = nil, certificateAuthority: String? = nil) -> HTTPClient {
        var configuration = HTTPClientConfiguration()
        configuration.tls = ClientTLSConfiguration(
            certificateAuthority: .pem(certificateAuthority ?? pki.authority.certificatePEM),
            clientCertificate: certificate.map { .pem($0.certificatePEM) }, clientKey: certificate.map { .pem($0.privateKeyPEM) })
        configuration.bearerToken = token
        let client = HTTPClient(configuration: configuration)
        clients.append(client)
        return client
    }

    /// The API server's client (a verified certificate with group system:masters).
    lazy var admin = client(certificate: pki.apiServerClient)

    func get(_ path: String, _ client: HTTPClient? = nil, method: HTTPMethod = .get, headers: HTTPHeaders = [:])
        async throws -> HTTPClientResponse
    {
        try await (client ?? admin).execute(HTTPClientRequest(method: method, url: url + path, headers: headers))
    }

    /// Runs a pod on the mock and tells the source where it is; `containers` are (name, cpu, memory)
    /// requests, nil for none.
    @discardableResult
    func run(
        _ name: String, namespace: String = "team", on node: String? = nil,
        containers: [(String, Quantity?, Quantity?)] = [("app", nil, nil)]
    ) async throws -> Pod {
        var pod = Pod(metadata: ObjectMeta(name: name, namespace: namespace))
        pod.metadata.uid = "uid-\(name)"
        pod.spec = PodSpec(containers: containers.map { name, cpu, memory in
            var container = Container(name: name, image: "busybox:1")
            var requests: [String: Quantity] = [:]
            requests["cpu"] = cpu
            requests["memory"] = memory
            if !requests.isEmpty { container.resources = ResourceRequirements(requests: requests) }
            return container
        })
        let node = node ?? source.nodeNames[0]
        try await mock.createPod(pod, on: node)
        source.placed.append((pod, node))
        return pod
    }
}

extension HTTPClientResponse {
    var contentType: String { headers["Content-Type"] ?? "" }
}
