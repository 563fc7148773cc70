import ControlPlane
import HTTPClient
import HTTPServer
import Kube
import Loop
import NodeAgent
import Providers
import TestSupport

/// An embedded API server on a free port with a fresh PKI, and Kube clients for it.
@LoopActor
final class ControlPlaneHarness {
    let pki: ControlPlanePKI
    let server: APIServer
    private var clients: [KubeClient] = []

    init(configure: (inout APIServerConfiguration) -> Void = { _ in }) throws {
        pki = try ControlPlanePKI.generate()
        var configuration = APIServerConfiguration(tls: pki.serverTLS)
        configuration.kubeletClientTLS = pki.kubeletClientTLS
        configure(&configuration)
        server = APIServer(configuration: configuration)
        try server.start()
    }

    var url: String { "https://127.0.0.1:\(server.port)" }

    /// A client as the admin (client certificate), without client-side rate limits.
    func client() -> KubeClient {
        var http = HTTPClientConfiguration()
        http.tls = pki.adminTLS
        var configuration = KubeClient.Configuration(server: url, http: http)
        configuration.qps = 0
        let client = KubeClient(configuration: configuration)
        clients.append(client)
        return client
    }

    func stop() async {
        for client in clients { client.shutdown() }
        await server.stop()
    }
}

extension AgentConfiguration {
    /// Small and fast for tests: `count` nodes named `test-node…`, long timers unless a test drives them.
    static func testing(nodes count: Int = 1, name: String = "test-node") -> AgentConfiguration {
        var configuration = AgentConfiguration()
        configuration.nodeName = name
        configuration.nodeCount = count
        configuration.kubeletPort = 10250
        return configuration
    }
}

/// A pod bound to `node` with one container per name, tolerating every taint.
func boundPod(_ name: String, node: String, namespace: String = "default", containers: [String] = ["app"]) -> Pod {
    var spec = PodSpec(containers: containers.map { Container(name: $0, image: "nginx:1.27") }, nodeName: node)
    spec.tolerations = [Toleration(operator: "Exists")]
    return Pod(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec)
}
