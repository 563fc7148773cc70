import HTTP
import HTTPServer
import Kube
import Loop
import NodeAgent
import Providers

/// The running parts of an agent: its kubelet API, the agent itself and the optional plain-HTTP
/// metrics listener. `node-agent` and `node-agent emulate` assemble it the same way.
@LoopActor
final class AgentAssembly {
    let agent: Agent
    let kubelet: KubeletServer
    private let metricsServer: HTTPServer?
    private let client: KubeClient

    /// Makes the provider, starts the kubelet API and the agent, and the metrics listener. Throws one
    /// line for the user.
    init(
        options: AgentOptions, client: KubeClient, kubeletAPI: KubeletAPIConfiguration, logger: Logger,
        progress: @escaping @LoopActor (Int, Int) -> Void
    ) async throws(AgentError) {
        self.client = client
        let configuration = options.agent
        let provider: any Provider
        do {
            provider = try Providers.make(configuration.providerName, configPath: options.providerConfig)
        } catch {
            throw AgentError("\(error)")
        }
        agent = Agent(configuration: configuration, client: client, provider: provider, logger: logger)
        metricsServer = try Self.metricsServer(options.metricsAddress, registry: agent.metrics.registry)
        let reviewer = kubeletAPI.authenticationTokenWebhook || kubeletAPI.authorizationMode == .webhook
            ? APIServerReviewer(client: client) : nil
        do {
            kubelet = try await agent.start(serving: kubeletAPI, reviewer: reviewer, progress: progress)
        } catch {
            await metricsServer?.stop()
            throw error
        }
    }

    /// `--metrics-address HOST:PORT`: `/metrics` over plain HTTP, for scrapers without kubelet credentials.
    private static func metricsServer(_ address: String?, registry: MetricsRegistry) throws(AgentError) -> HTTPServer? {
        guard let address else { return nil }
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw AgentError("--metrics-address must be HOST:PORT, got \(address)") }
        let host = String(address[..<colon])
        var router = Router()
        router.get("/metrics") { _ in registry.response() }
        do {
            let server = try HTTPServer(configuration: HTTPServerConfiguration(host: host.isEmpty ? "0.0.0.0" : host, port: port), router: router)
            try server.start()
            return server
        } catch {
            throw AgentError("cannot serve metrics on \(address): \(error)")
        }
    }

    func stop() async {
        await agent.stop()
        await kubelet.stop()
        await metricsServer?.stop()
        client.shutdown()
    }
}

extension AgentOptions {
    /// The kubelet API as the flags describe it.
    func kubeletAPI() -> KubeletAPIConfiguration {
        var configuration = KubeletAPIConfiguration(
            listenAddress: listenAddress, port: agent.kubeletPort, servingCertificate: tlsCertFile.map(PEMSource.file),
            servingKey: tlsKeyFile.map(PEMSource.file), clientCAFile: clientCAFile.map(PEMSource.file), anonymousAuth: anonymousAuth,
            authenticationTokenWebhook: tokenWebhook, authorizationMode: authorizationWebhook ? .webhook : .alwaysAllow)
        configuration.certificateIPAddresses = Array(Set([agent.nodeIP, "127.0.0.1"])).sorted()
        configuration.certificateDNSNames = ["localhost"] + agent.nodeNames.prefix(100)
        return configuration
    }
}
