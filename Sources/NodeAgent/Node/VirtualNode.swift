import Kube
import Loop

/// One of the agent's nodes: registers it (creates or adopts the Node), writes its status when the
/// provider reports a change and at least every `statusUpdateFrequency`, and keeps its lease renewed.
@LoopActor
final class VirtualNode {
    let name: String
    let index: Int
    private let configuration: AgentConfiguration
    private let client: KubeClient
    private let provider: any Provider
    private let clock: any LoopClock
    private let metrics: AgentMetrics
    private let logger: Logger
    let lease: LeaseHeartbeat
    private var statusTimer: RepeatingTimer?
    private var writing = false
    private var writeAgain = false
    private var stopped = false
    /// The node's `spec.podCIDR` as the API server holds it.
    private(set) var podCIDR: String?
    private(set) var uid: String?
    private(set) var ready = false
    private(set) var statusWrites = 0
    /// The node's conditions as the API server answered the last status write. A write needs them
    /// for transition times; reading the node before every write would double the status traffic.
    /// Nil after a failure (someone else, such as the node lifecycle controller, may have written since).
    private var serverConditions: [NodeCondition]?
    /// What the provider reported for the last status write that succeeded; nil before one, or after
    /// a failure.
    private var lastReported: ProviderNode?

    init(
        name: String, index: Int, configuration: AgentConfiguration, client: KubeClient, provider: any Provider,
        clock: any LoopClock, metrics: AgentMetrics, logger: Logger
    ) {
        self.name = name
        self.index = index
        self.configuration = configuration
        self.client = client
        self.provider = provider
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        lease = LeaseHeartbeat(
            nodeName: name, durationSeconds: configuration.leaseDurationSeconds, grid: configuration.heartbeatGrid,
            client: client, clock: clock, metrics: metrics, logger: logger)
    }

    /// Creates the node, or adopts the one that exists (adding the agent's labels, taints and
    /// providerID without touching anything else), then writes its status and its lease.
    func register() async throws {
        let template = NodeTemplate(name: name, configuration: configuration, reported: try await provider.node(named: name))
        lastReported = nil
        let node = try await createOrAdopt(template)
        uid = node.metadata.uid
        podCIDR = node.spec?.podCIDR
        try await writeStatus(template, previous: node.status?.conditions ?? [])
        await lease.start(nodeUID: uid, offset: spreadOffset)
    }

    /// Node `index` of N renews first `index/N` of an interval after the others: N nodes do not renew together.
    private var spreadOffset: Duration {
        configuration.nodeCount > 1 ? lease.interval * (Double(index) / Double(configuration.nodeCount)) : .zero
    }

    private func createOrAdopt(_ template: NodeTemplate) async throws(KubeError) -> Node {
        do {
            return try await adopt(template)
        } catch where error.isNotFound {
            let created: Node
            do {
                created = try await client.create(template.node(at: .now()))
            } catch where error.isAlreadyExists {
                return try await adopt(template)
            }
            logger.debug("node registered", ["node": name])
            return created
        }
    }

    private func adopt(_ template: NodeTemplate) async throws(KubeError) -> Node {
        try await client.retryOnConflict(Node.self, name: name) { node in
            var labels = node.metadata.labels ?? [:]
            labels.merge(template.labels) { _, ours in ours }
            node.metadata.labels = labels
            var spec = node.spec ?? NodeSpec()
            if spec.providerID == nil { spec.providerID = template.providerID }
            var taints = spec.taints ?? []
            for taint in configuration.effectiveTaints where !taints.contains(where: { $0.key == taint.key && $0.effect == taint.effect }) {
                taints.append(taint)
            }
            spec.taints = taints.isEmpty ? nil : taints
            node.spec = spec
        }
    }

    /// Status timer: every `statusUpdateFrequency` with jitter, the first one spread like the leases.
    func startStatusUpdates() {
        let timer = RepeatingTimer(
            clock: clock, interval: configuration.statusUpdateFrequency, jitter: Jitter(factor: 0.1), grid: configuration.heartbeatGrid
        ) { [weak self] in self?.statusChanged() }
        let spread = configuration.nodeCount > 1
            ? configuration.statusUpdateFrequency * (Double(index) / Double(configuration.nodeCount)) : configuration.statusUpdateFrequency
        timer.start(initialDelay: spread)
        statusTimer = timer
    }

    /// Writes the status soon; calls while a write runs coalesce into one more write.
    func statusChanged() {
        guard !stopped else { return }
        guard !writing else {
            writeAgain = true
            return
        }
        writing = true
        Task { @LoopActor in
            repeat {
                writeAgain = false
                do {
                    let template = NodeTemplate(name: name, configuration: configuration, reported: try await provider.node(named: name))
                    if lease.takeInterruption() { serverConditions = nil }
                    let previous: [NodeCondition]
                    if let serverConditions { previous = serverConditions } else {
                        previous = try await client.get(Node.self, name: name).status?.conditions ?? []
                    }
                    try await writeStatus(template, previous: previous)
                } catch let error as KubeError where error.isNotFound {
                    logger.warning("node was deleted: registering it again", ["node": name])
                    do { try await register() } catch { logger.error("node registration failed", ["node": name, "error": "\(error)"]) }
                } catch {
                    serverConditions = nil
                    lastReported = nil
                    metrics.statusUpdates.inc(["failure"])
                    logger.warning("node status update failed", ["node": name, "error": "\(error)"])
                }
            } while writeAgain
            writing = false
        }
    }

    private func writeStatus(_ template: NodeTemplate, previous: [NodeCondition]) async throws(KubeError) {
        let unchanged = serverConditions != nil && lastReported == template.reported
        let patch = unchanged ? template.heartbeatPatch(at: .now()) : try template.statusPatch(previous: previous, at: .now())
        // Only the fields read here are parsed: the answer is mostly managedFields and images, and of
        // the status only the conditions are read.
        let answer = try await client.patchAnswer(Node.resource, name: name, patch: patch, type: .strategic, subresource: "status")
        let listed = JSONScanner.value(at: ["status", "conditions"], in: answer)
        if listed == nil, JSONScanner.value(at: ["status"], in: answer) == nil {
            throw .decoding("the status of node \(name) came back without a status")
        }
        podCIDR = JSONScanner.string(at: ["spec", "podCIDR"], in: answer)
        let conditions = Self.conditions(listed ?? [])
        serverConditions = conditions
        let isReady = conditions?.first { $0.type == "Ready" }?.status == "True"
        if isReady != ready { metrics.nodesReady.add(isReady ? 1 : -1) }
        ready = isReady
        if unchanged, template.differs(from: conditions ?? []) {
            // Someone else changed a condition the heartbeat patch left alone: a whole status follows now.
            lastReported = nil
            writeAgain = true
        } else {
            lastReported = template.reported
        }
        statusWrites += 1
        metrics.statusUpdates.inc(["success"])
    }

    /// Nil when the list or one of its conditions is malformed.
    private static func conditions(_ list: JSONValue) -> [NodeCondition]? {
        guard case .array(let items) = list else { return nil }
        let conditions = items.compactMap(NodeCondition.init(json:))
        return conditions.count == items.count ? conditions : nil
    }

    func stop() {
        stopped = true
        lease.stop()
        statusTimer?.stop()
        statusTimer = nil
        if ready { metrics.nodesReady.add(-1) }
        ready = false
    }
}
