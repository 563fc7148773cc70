import Kube
import Loop

/// Every pod bound to the agent's nodes (SPEC §1.4): one informer feeds one idempotent reconcile per
/// pod. Informer events and provider notifications only queue the pod's key; the reconcile reads the
/// three states — the API server's pod, the provider's pod, what the agent has done — and takes the
/// next step.
@LoopActor
final class PodController {
    /// What the agent did for one pod, keyed by `namespace/name`.
    struct PodState {
        var uid: String?
        var node: String
        /// `deletePod` was called for this pod.
        var deleteRequested = false
        /// The status last written, and the resourceVersion that write produced: the informer may
        /// not have seen it yet, and must not make the agent write (and announce) it twice. Once the
        /// informer has, its copy serves and this one is dropped (a status is a kilobyte or two).
        /// On the heap: most pods have none, and a state is held per pod.
        @IndirectOptional var written: PodStatus?
        var writtenVersion: Int?
        /// While a status write is under way, the versions of the updates that came meanwhile: the
        /// write's echo may come before its answer, and is only known as one once the answer is in.
        var versionsDuringWrite: [Int]?
        /// The phase of the last write: pods are counted by it.
        var writtenPhase: String?
    }

    let configuration: AgentConfiguration
    let client: KubeClient
    let provider: any Provider
    let clock: any LoopClock
    let metrics: AgentMetrics
    let logger: Logger
    let events: EventRecorder
    let informer: Informer<Pod>
    private let nodes: Set<String>
    private var addresses: [String: PodAddresses]
    let sharing = PodSharing()
    var states: [String: PodState] = [:]
    /// Pods the provider is being asked to create or update: its notices about them until then are
    /// answered by the read of its pod that follows, and queue no reconcile of their own.
    var changing: Set<String> = []
    /// Pods by the phase last written, kept up to date as writes happen: counting `states` each time
    /// would cost a pass over every pod.
    private(set) var writtenPhases: [String: Int] = [:]
    private(set) var queue: ReconcileQueue!

    init(
        configuration: AgentConfiguration, client: KubeClient, provider: any Provider, networks: [String: IPv4Network],
        clock: any LoopClock, metrics: AgentMetrics, logger: Logger, events: EventRecorder
    ) {
        self.configuration = configuration
        self.client = client
        self.provider = provider
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.events = events
        nodes = Set(configuration.nodeNames)
        addresses = networks.mapValues(PodAddresses.init)
        var informerConfiguration = Informer<Pod>.Configuration(namespace: configuration.namespace)
        // One node: the API server filters. Many: one watch of every bound pod, filtered here.
        informerConfiguration.fieldSelector =
            configuration.nodeCount == 1 ? "spec.nodeName=\(configuration.nodeName)" : "spec.nodeName!="
        informerConfiguration.share = { [sharing] in sharing.share($0, &$1) }
        informer = Informer(
            client: client, configuration: informerConfiguration, indexers: ["node": { [$0.spec?.nodeName ?? ""] }], clock: clock)
        queue = ReconcileQueue(
            workers: configuration.podWorkers, clock: clock, depthChanged: { [metrics] in metrics.queueDepth.set(Double($0)) }
        ) { [weak self] key in await self?.reconcile(key) ?? .done }
    }

    /// Moves one pod's count from the phase it had to the one it has now (nil: none, or gone).
    func countPhase(from old: String?, to new: String?) {
        guard old != new else { return }
        if let old {
            writtenPhases[old, default: 0] -= 1
            if writtenPhases[old] == 0 { writtenPhases[old] = nil }
        }
        if let new { writtenPhases[new, default: 0] += 1 }
    }

    /// Lists the pods, adopts what the provider already runs (deleting from it what the cluster no
    /// longer has), then reconciles every pod and follows changes.
    func start() async throws {
        informer.start()
        await informer.waitForSync()
        try await adopt()
        informer.addHandlers(
            .init(
                // Weak: a worker or a watch event may outlive a stopped controller.
                onAdd: { [weak self] pod in self?.enqueue(pod) },
                onUpdate: { [weak self] _, pod in self?.updated(pod) },
                onDelete: { [weak self] pod in self?.enqueue(pod) }))
    }

    func stop() {
        informer.stop()
        queue.stop()
    }

    /// A provider's notice.
    func enqueue(namespace: String, name: String) {
        let key = Store<Pod>.key(namespace: namespace, name: name)
        guard !changing.contains(key) else { return }
        queue.add(key)
    }

    /// The echo of the agent's own status write is not reconciled: that version is the one before it
    /// (whose own event was reconciled) plus the status the agent wrote. The informer now has the
    /// write, so it no longer needs keeping.
    private func updated(_ pod: Pod) {
        let key = Store<Pod>.key(of: pod)
        let version = pod.metadata.resourceVersion.flatMap { Int($0) } ?? -1
        if states[key]?.versionsDuringWrite != nil {
            states[key]?.versionsDuringWrite?.append(version)
            return
        }
        if let written = states[key]?.writtenVersion, version == written {
            states[key]?.written = nil
            return
        }
        enqueue(pod)
    }

    /// A status write of `key` starts: updates wait for its answer (`writeEnded`).
    func writeStarted(_ key: String) { states[key]?.versionsDuringWrite = [] }

    /// A status write of `key` ended: the updates that came meanwhile are judged now, against the
    /// version the write produced, and any that is not its echo queues a reconcile.
    func writeEnded(_ key: String) {
        guard let versions = states[key]?.versionsDuringWrite else { return }
        states[key]?.versionsDuringWrite = nil
        let written = states[key]?.writtenVersion
        if versions.contains(where: { $0 != written }), let pod = informer.store.get(key) {
            enqueue(pod)
        } else if !versions.isEmpty {
            states[key]?.written = nil
        }
    }

    private func enqueue(_ pod: Pod) {
        guard let node = pod.spec?.nodeName, nodes.contains(node) else { return }
        queue.add(Store<Pod>.key(of: pod))
    }

    /// The agent's pods as the API server has them, one node's or all.
    func pods(on node: String?) -> [Pod] {
        if let node { return informer.store.byIndex("node", node) }
        return informer.store.all.filter { nodes.contains($0.spec?.nodeName ?? "") }
    }

    /// The API server's pod, when it is bound to one of the agent's nodes.
    func desired(_ key: String) -> Pod? {
        guard let pod = informer.store.get(key), let node = pod.spec?.nodeName, nodes.contains(node) else { return nil }
        return pod
    }

    private func adopt() async throws {
        for pod in pods(on: nil) {
            let key = Store<Pod>.key(of: pod)
            if let ip = pod.status?.podIP, pod.spec?.hostNetwork != true, let node = pod.spec?.nodeName {
                addresses[node]?.reserve(ip, for: key)
            }
        }
        var adopted = 0
        for held in try await provider.pods() {
            let key = Store<Pod>.key(of: held.pod)
            if let pod = desired(key), pod.metadata.uid == held.pod.metadata.uid, pod.spec?.nodeName == held.node {
                states[key] = PodState(uid: pod.metadata.uid, node: held.node, deleteRequested: pod.metadata.deletionTimestamp != nil)
                adopted += 1
            } else {
                logger.info("deleting a pod the cluster no longer has", ["pod": key, "node": held.node])
                try await provider.deletePod(held.pod, on: held.node)
            }
        }
        metrics.pods.set(Double(states.count))
        logger.info("pods adopted", ["count": String(adopted)])
    }

    // MARK: - Addresses

    /// The pod's IP: the node's for hostNetwork pods, else one of the node's pod CIDR.
    func address(for pod: Pod, key: String, node: String) -> String? {
        if pod.spec?.hostNetwork == true { return configuration.nodeIP }
        return addresses[node]?.allocate(for: key)
    }

    func releaseAddress(_ key: String, node: String) {
        addresses[node]?.release(key)
    }
}
