import Kube
import Loop

/// The node agent (DESIGN: Agent owns N nodes): registers the nodes, keeps their leases and status
/// fresh, and reconciles every pod bound to them through the provider. The kubelet API reads it as
/// its `KubeletAPISource`.
@LoopActor
public final class Agent: KubeletAPISource {
    /// Changes made before `start` count: the kubelet API's port is often known only after the
    /// server that reads this agent has started.
    public var configuration: AgentConfiguration
    public let metrics: AgentMetrics
    private let client: KubeClient
    /// Leases and node status go through their own connections (see `KubeClient.withOwnConnections`).
    private let heartbeatClient: KubeClient
    let provider: any Provider
    private let clock: any LoopClock
    let logger: Logger
    private let events: EventRecorder
    private var nodes: [VirtualNode] = []
    private var nodesByName: [String: VirtualNode] = [:]
    private var pods: PodController?
    private var running = false

    public init(
        configuration: AgentConfiguration, client: KubeClient, provider: any Provider, clock: any LoopClock = UVClock.shared,
        metrics: AgentMetrics = AgentMetrics(), logger: Logger = Logger()
    ) {
        self.configuration = configuration
        self.client = client
        self.provider = provider
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        events = EventRecorder(client: client, logger: logger)
        heartbeatClient = client.withOwnConnections()
        for client in [client, heartbeatClient] {
            client.requestObserver = { [metrics] method, status, duration in metrics.observeRequest(method, status, duration) }
        }
    }

    isolated deinit {
        heartbeatClient.shutdown()
    }

    // MARK: - KubeletAPISource

    public var nodeNames: [String] { configuration.nodeNames }
    public func pods(on node: String?) -> [Pod] { pods?.pods(on: node) ?? [] }
    public func node(ofPod namespace: String, _ name: String) -> String? {
        pods?.desired(Store<Pod>.key(namespace: namespace, name: name))?.spec?.nodeName
    }

    /// Nodes registered so far, and those whose status says Ready.
    public var registeredCount: Int { nodes.count { $0.uid != nil } }
    public var readyCount: Int { nodes.count { $0.ready } }

    // MARK: - Lifecycle

    /// Checks the configuration, starts the provider, registers every node (retrying until each
    /// succeeds), then starts the pod reconciles. `progress` hears of each registered node.
    public func start(progress: @escaping @LoopActor (_ registered: Int, _ total: Int) -> Void = { _, _ in }) async throws(AgentError) {
        guard let network = IPv4Network(configuration.podCIDR) else {
            throw AgentError("--pod-cidr \(configuration.podCIDR) is not an IPv4 CIDR such as 10.244.0.0/16")
        }
        let count = configuration.nodeCount
        guard let perNode = network.subnet(0, of: count), perNode.prefix <= 28 else {
            throw AgentError(
                "--pod-cidr \(configuration.podCIDR) is too small for \(count) nodes (each needs at least a /28): use a larger one such as 10.0.0.0/8")
        }
        nodes = configuration.nodeNames.enumerated().map { index, name in
            VirtualNode(
                name: name, index: index, configuration: configuration, client: heartbeatClient, provider: provider, clock: clock,
                metrics: metrics, logger: logger)
        }
        nodesByName = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0) })
        running = true
        let events = ProviderEvents(
            podChanged: { [weak self] namespace, name in self?.podChanged(namespace: namespace, name: name) },
            nodeChanged: { [weak self] node in self?.nodeStatusChanged(node) })
        do {
            try await provider.start(nodes: nodeNames, events: events)
        } catch {
            throw AgentError("the \(configuration.providerName) provider did not start: \(error)")
        }
        await registerNodes(progress: progress)
        guard running else { return }
        var networks: [String: IPv4Network] = [:]
        for node in nodes {
            networks[node.name] = node.podCIDR.flatMap(IPv4Network.init) ?? network.subnet(node.index, of: nodes.count)
        }
        let controller = PodController(
            configuration: configuration, client: client, provider: provider, networks: networks, clock: clock, metrics: metrics,
            logger: logger, events: self.events)
        pods = controller
        do {
            try await controller.start()
        } catch {
            throw AgentError("adopting the provider's pods failed: \(error)")
        }
        for node in nodes { node.startStatusUpdates() }
    }

    private func registerNodes(progress: @escaping @LoopActor (Int, Int) -> Void) async {
        let cursor = Cursor()
        let workers = min(max(1, configuration.registrationWorkers), nodes.count)
        let tasks = (0..<workers).map { _ in
            Task { @LoopActor in
                while self.running, let node = cursor.next(self.nodes) {
                    await self.register(node)
                    cursor.registered += 1
                    progress(cursor.registered, self.nodes.count)
                }
            }
        }
        for task in tasks { await task.value }
        metrics.nodes.set(Double(registeredCount))
    }

    /// Registers one node, retrying with backoff: a node that cannot register yet is not given up on.
    private func register(_ node: VirtualNode) async {
        var backoff = Backoff(initial: .milliseconds(200), cap: .seconds(7))
        while running {
            do {
                try await node.register()
                events.node(node.name, reason: "Starting", message: "Started node-agent for node \(node.name).")
                return
            } catch {
                logger.warning("node registration failed", ["node": node.name, "error": "\(error)"])
                try? await clock.sleep(for: backoff.next())
            }
        }
    }

    /// Stops heartbeats and reconciles; the nodes stay registered (they go NotReady/Unknown as a
    /// stopped kubelet's do) unless `deleteNodesOnExit`.
    public func stop() async {
        running = false
        pods?.stop()
        for node in nodes { node.stop() }
        guard configuration.deleteNodesOnExit else { return }
        for node in nodes {
            do { try await client.delete(Node.self, name: node.name) } catch where !error.isNotFound {
                logger.warning("node not deleted", ["node": node.name, "error": "\(error)"])
            } catch {}
        }
    }

    /// The agent's pods by the phase it last wrote (pods it has not written yet are not counted).
    public var podPhases: [String: Int] { pods?.writtenPhases ?? [:] }

    /// Pod reconciles and events waiting or running (for tests and benchmarks that wait for the agent to settle).
    public var isSettled: Bool { (pods?.queue.isIdle ?? true) && events.isIdle }
    /// Events written so far.
    var eventsWritten: Int { events.written }

    /// What the provider's `podChanged` does: queue the pod's reconcile.
    func podChanged(namespace: String, name: String) { pods?.enqueue(namespace: namespace, name: name) }

    /// Status writes, all nodes together.
    var statusWrites: Int { nodes.reduce(0) { $0 + $1.statusWrites } }

    /// What the provider's `nodeChanged` does: write that node's status now.
    func nodeStatusChanged(_ node: String) { nodesByName[node]?.statusChanged() }

    /// Lease renewals written, all nodes together.
    public var leaseRenewals: Int { nodes.reduce(0) { $0 + $1.lease.renewals } }
}

/// Walks the node list for the registration workers.
@LoopActor
private final class Cursor {
    private var index = 0
    var registered = 0

    func next<T>(_ items: [T]) -> T? {
        guard index < items.count else { return nil }
        defer { index += 1 }
        return items[index]
    }
}

/// A configuration or start-up failure, as one line.
public struct AgentError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
