import Loop

extension Agent {
    /// Starts the agent's kubelet API, then the agent: nodes publish the port the kubelet API got (0 in
    /// the configuration picks one), so it must listen before they register. Returns the server, for `stop`.
    public func start(
        serving kubeletAPI: KubeletAPIConfiguration, reviewer: (any KubeletReviewer)? = nil,
        progress: @escaping @LoopActor (_ registered: Int, _ total: Int) -> Void = { _, _ in }
    ) async throws(AgentError) -> KubeletServer {
        let kubelet: KubeletServer
        do {
            kubelet = try KubeletServer(
                configuration: kubeletAPI, provider: provider, providerName: configuration.providerName, source: self,
                metrics: metrics.registry, reviewer: reviewer)
            try kubelet.start()
        } catch {
            throw AgentError("cannot start the kubelet API on \(kubeletAPI.listenAddress):\(kubeletAPI.port): \(error)")
        }
        configuration.kubeletPort = kubelet.port
        logger.info(
            "kubelet API listening", ["address": "\(kubeletAPI.listenAddress):\(kubelet.port)", "provider": configuration.providerName])
        do {
            try await start(progress: progress)
        } catch {
            await kubelet.stop()
            throw error
        }
        return kubelet
    }
}
