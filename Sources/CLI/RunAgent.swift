import HTTPServer
import Kube
import Loop
import NodeAgent

/// `node-agent [flags]`: the agent on an existing cluster, until SIGINT or SIGTERM.
enum RunAgent {
    static func run(_ arguments: ArraySlice<String>) async {
        var options = AgentOptions.parse(arguments)
        if !options.nodeIPGiven { options.agent.nodeIP = HostAddresses.firstNonLoopbackIPv4() ?? "127.0.0.1" }
        let connection: ClusterConnection
        do {
            connection = try KubeConfig.load(kubeconfigPath: options.kubeconfig)
        } catch {
            fail("cannot load the cluster configuration: \(error)")
        }
        let logger = Logger(level: options.logLevel, format: options.logFormat)
        let settings = options
        let failure: String? = await Task { @LoopActor () -> String? in
            let client = KubeClient(connection: connection, qps: settings.effectiveQPS, burst: settings.effectiveBurst)
            logger.info("starting", ["server": connection.server, "nodes": String(settings.agent.nodeCount), "version": NodeAgent.version])
            let assembly: AgentAssembly
            do {
                assembly = try await AgentAssembly(
                    options: settings, client: client, kubeletAPI: settings.kubeletAPI(), logger: logger,
                    progress: Progress.reporter { logger.info("registering nodes", ["registered": $0]) })
            } catch {
                client.shutdown()
                return "\(error)"
            }
            logger.info("nodes registered; running", ["nodes": String(assembly.agent.registeredCount)])
            let signal = await Signals.shutdownRequested()
            logger.info("signal \(signal): stopping heartbeats", ["deleteNodes": String(settings.agent.deleteNodesOnExit)])
            await assembly.stop()
            return nil
        }.value
        if let failure { fail(failure) }
    }
}

/// Registration progress, `registered/total`, at most once a second and at the end.
enum Progress {
    @LoopActor
    static func reporter(_ show: @escaping @LoopActor (String) -> Void) -> @LoopActor (Int, Int) -> Void {
        var last = ContinuousClock.now
        return { registered, total in
            let now = ContinuousClock.now
            guard registered == total || now - last >= .seconds(1) else { return }
            last = now
            show("\(registered)/\(total)")
        }
    }
}
