import ControlPlane
import Foundation
import HTTPClient
import HTTPServer
import Kube
import Loop
import NodeAgent
import Providers
import TestSupport

/// A cluster as `node-agent emulate` makes it, in the test process: the embedded API server, the
/// agent with the mock provider, its kubelet API (trusted by and trusting the control plane's CA),
/// and a kubeconfig for kubectl.
@LoopActor
final class AgentCluster {
    let controlPlane: ControlPlaneHarness
    let provider = MockProvider()
    let configuration: AgentConfiguration
    private(set) var agent: Agent?
    private(set) var kubelet: KubeletServer?
    nonisolated let directory: String
    nonisolated let kubeconfig: String

    /// `grace`: how long a silent node stays Ready before the node lifecycle controller marks it Unknown.
    init(nodes: Int, leaseDurationSeconds: Int = 40, grace: Duration = .seconds(40)) throws {
        controlPlane = try ControlPlaneHarness { configuration in
            configuration.nodeMonitorGracePeriod = grace
            configuration.nodeMonitorPeriod = .milliseconds(200)
        }
        var configuration = AgentConfiguration.testing(nodes: nodes, name: "agent-node")
        configuration.leaseDurationSeconds = leaseDurationSeconds
        self.configuration = configuration
        directory = try TemporaryDirectory.make(prefix: "agent-cluster")
        kubeconfig = directory + "/kubeconfig"
        let pki = controlPlane.pki
        try KubeconfigText.make(
            server: controlPlane.url, certificateAuthorityPEM: pki.authority.certificatePEM,
            clientCertificatePEM: pki.admin.certificatePEM, clientKeyPEM: pki.admin.privateKeyPEM
        ).write(toFile: kubeconfig, atomically: true, encoding: .utf8)
    }

    /// Starts (or restarts) the agent and its kubelet API; the provider, and what it runs, stay.
    func startAgent() async throws {
        let pki = controlPlane.pki
        let serving = try pki.authority.issue(CertificateSubject(commonName: "agent"), usage: .serverAuth, ipAddresses: ["127.0.0.1"])
        var api = KubeletAPIConfiguration(
            listenAddress: "127.0.0.1", port: 0, servingCertificate: .pem(serving.certificatePEM),
            servingKey: .pem(serving.privateKeyPEM), clientCAFile: .pem(pki.authority.certificatePEM))
        api.authorizationMode = .alwaysAllow
        let agent = Agent(configuration: configuration, client: controlPlane.client(), provider: provider, logger: .silent)
        self.agent = agent
        kubelet = try await agent.start(serving: api)
    }

    /// What `kill` does to a kubelet: heartbeats and reconciles stop, the API goes away.
    func stopAgent() async {
        await agent?.stop()
        await kubelet?.stop()
        agent = nil
        kubelet = nil
    }

    func stop() async {
        await stopAgent()
        await controlPlane.stop()
    }

    nonisolated func kubectl(_ arguments: [String], stdin: String? = nil) async throws -> ProcessResult {
        try await run("/usr/bin/kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", directory + "/cache"] + arguments, stdin: stdin)
    }
}
