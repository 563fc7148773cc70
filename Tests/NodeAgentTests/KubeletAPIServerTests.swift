import ControlPlane
import Foundation
import HTTP
import HTTPClient
import HTTPServer
import Kube
import Loop
import NodeAgent
import TestSupport
import Testing

/// The kubelet API against a real embedded API server: its TokenReviews and SubjectAccessReviews, and
/// the API server reaching the kubelet API for `pods/log` and `nodes/proxy` as kube-apiserver does.
@Suite(.timeLimit(.minutes(1))) @LoopActor struct KubeletAPIServerTests {
    static let adminToken = "admin-token"
    static let nodeToken = "node-0-token"
    static let viewerToken = "viewer-token"

    /// An API server serving with the test PKI, knowing three tokens, calling kubelets as
    /// kube-apiserver-kubelet-client (O=system:masters).
    func apiServer(_ pki: KubeletPKI) throws -> APIServer {
        var configuration = APIServerConfiguration(tls: TLSConfiguration(
            certificateChain: .pem(pki.serving.certificatePEM), privateKey: .pem(pki.serving.privateKeyPEM),
            clientCA: .pem(pki.authority.certificatePEM)))
        configuration.tokens = [
            Self.adminToken: .admin, Self.nodeToken: .node("node-0"),
            Self.viewerToken: Identity(user: "viewer", groups: ["system:authenticated"]),
        ]
        configuration.kubeletClientTLS = ClientTLSConfiguration(
            certificateAuthority: .pem(pki.authority.certificatePEM),
            clientCertificate: .pem(pki.apiServerClient.certificatePEM), clientKey: .pem(pki.apiServerClient.privateKeyPEM))
        let server = APIServer(configuration: configuration)
        try server.start()
        return server
    }

    func kubeClient(_ server: APIServer, _ pki: KubeletPKI, token: String) -> KubeClient {
        var http = HTTPClientConfiguration()
        http.tls = ClientTLSConfiguration(certificateAuthority: .pem(pki.authority.certificatePEM))
        http.bearerToken = token
        return KubeClient(configuration: KubeClient.Configuration(server: "https://127.0.0.1:\(server.port)", http: http))
    }

    func webhookFixture(_ reviewer: APIServerReviewer) throws -> KubeletFixture {
        try KubeletFixture(reviewer: reviewer) {
            $0.authenticationTokenWebhook = true
            $0.authorizationMode = .webhook
        }
    }

    @Test func tokenReviewsAndSubjectAccessReviewsDecide() async throws {
        let pki = try KubeletPKI.shared.get()
        let apiServer = try apiServer(pki)
        // The agent asks with its node's credentials (nodes may create both reviews).
        let agentClient = kubeClient(apiServer, pki, token: Self.nodeToken)
        let fixture = try webhookFixture(APIServerReviewer(client: agentClient))

        for token in [Self.adminToken, Self.nodeToken] {
            let answer = try await fixture.get("/pods", fixture.client(certificate: nil, token: token))
            #expect(answer.status == .ok, "\(token)")
        }
        let viewer = fixture.client(certificate: nil, token: Self.viewerToken)
        let denied = try await fixture.get("/stats/summary", viewer)
        #expect(denied.status == .forbidden)
        #expect(denied.text == "Forbidden (user=viewer, verb=get, resource=nodes, subresource=stats)\n")
        let deniedExec = try await fixture.get("/exec/team/web/app", viewer, method: .post)
        #expect(deniedExec.text == "Forbidden (user=viewer, verb=create, resource=nodes, subresource=proxy)\n")

        let unknown = try await fixture.get("/pods", fixture.client(certificate: nil, token: "not-a-token"))
        #expect(unknown.status == .unauthorized && unknown.text == "Unauthorized\n")
        // Certificates are checked by the TLS layer, then authorized by the API server: CN=viewer has no rights.
        #expect(try await fixture.get("/pods", fixture.client(certificate: fixture.pki.viewer)).status == .forbidden)
        #expect(try await fixture.get("/pods").status == .ok)  // kube-apiserver-kubelet-client, system:masters

        await fixture.stop()
        agentClient.shutdown()
        await apiServer.stop()
    }

    @Test func theAPIServerReachesTheKubeletAPI() async throws {
        let pki = try KubeletPKI.shared.get()
        let apiServer = try apiServer(pki)
        let admin = kubeClient(apiServer, pki, token: Self.adminToken)
        let agentClient = kubeClient(apiServer, pki, token: Self.nodeToken)
        let fixture = try webhookFixture(APIServerReviewer(client: agentClient))

        // The node as the agent registers it: reached at its InternalIP on the kubelet API's port.
        var node = Node(metadata: ObjectMeta(name: "node-0"))
        node.status = NodeStatus()
        node.status?.addresses = [NodeAddress(type: "InternalIP", address: "127.0.0.1")]
        node.status?.daemonEndpoints = NodeDaemonEndpoints(kubeletEndpoint: DaemonEndpoint(port: fixture.server.port))
        _ = try await admin.create(node)
        var pod = Pod(metadata: ObjectMeta(name: "web", namespace: "default"))
        pod.spec = PodSpec(containers: [Container(name: "app", image: "busybox:1")], nodeName: "node-0")
        _ = try await admin.create(pod)
        try await fixture.run("web", namespace: "default")

        let log = try await admin.logs(pod: "web", namespace: "default", query: [("tailLines", "2")]).collect()
        #expect(String(decoding: log, as: UTF8.self) == "web app line 4\nweb app line 5\n")

        let summary = try await admin.send(.get, path: "/api/v1/nodes/node-0/proxy/stats/summary")
        let decoded = try JSONDecoder().decode(StatsSummary.self, from: Data(summary.body))
        #expect(decoded.node.nodeName == "node-0" && decoded.pods.map(\.podRef.name) == ["web"])
        let health = try await admin.send(.get, path: "/api/v1/nodes/node-0/proxy/healthz")
        #expect(String(decoding: health.body, as: UTF8.self) == "ok")

        await fixture.stop()
        agentClient.shutdown()
        admin.shutdown()
        await apiServer.stop()
    }
}
