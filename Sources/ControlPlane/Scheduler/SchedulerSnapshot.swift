import Kube

/// The cluster as the scheduler sees it: every node (reduced to what scheduling reads, parsed once)
/// and the `NodeUsage` of the pods bound to each. The API server keeps one up to date as objects
/// change — `updateNode`/`removeNode` on node events, `updatePod`/`removePod` on pod events and on
/// its own bindings — and hands it to `Scheduler.schedule`, so scheduling a pod costs one pass over
/// the nodes and never re-sums any node's pods. A value type: a copy is a consistent snapshot.
public struct SchedulerSnapshot: Sendable {
    struct Entry: Sendable {
        var name: String
        /// Nil while pods are bound to a node the snapshot has not seen (or no longer has).
        var node: SchedulingNode?
        var usage = NodeUsage()
    }

    /// Dense, in the order nodes arrived (a removed entry's place is taken by the last one): the
    /// scheduler walks it by position, which a dictionary cannot offer in constant time.
    private(set) var entries: [Entry] = []
    private var positions: [String: Int] = [:]
    /// Where each counted pod is counted, so a pod can be moved or removed by key alone.
    private var podNodes: [PodKey: String] = [:]
    /// How many nodes are known (entries holding only pods are not nodes).
    public private(set) var nodeCount = 0

    public init() {}

    /// A snapshot of `nodes` with the pods of `pods` that are bound to a node and not terminated.
    public init(nodes: [Node], pods: [Pod]) {
        entries.reserveCapacity(nodes.count)
        for node in nodes { updateNode(node) }
        for pod in pods { updatePod(pod) }
    }

    /// The names of the known nodes, sorted.
    public var nodeNames: [String] {
        entries.compactMap { $0.node == nil ? nil : $0.name }.sorted()
    }

    private func entry(_ name: String) -> Entry? { positions[name].map { entries[$0] } }

    public func containsNode(named name: String) -> Bool { entry(name)?.node != nil }

    /// The usage counted on `nodeName`, empty when nothing is bound there.
    public func usage(ofNode nodeName: String) -> NodeUsage { entry(nodeName)?.usage ?? NodeUsage() }

    /// The position of `name`'s entry, made if missing.
    private mutating func position(_ name: String) -> Int {
        if let position = positions[name] { return position }
        entries.append(Entry(name: name))
        positions[name] = entries.count - 1
        return entries.count - 1
    }

    /// Drops `name`'s entry if it holds neither a node nor pods.
    private mutating func dropIfEmpty(_ name: String) {
        guard let position = positions[name], entries[position].node == nil, entries[position].usage.isEmpty else { return }
        positions[name] = nil
        let last = entries.removeLast()
        guard position < entries.count else { return }
        entries[position] = last
        positions[last.name] = position
    }

    /// The node a pod is counted on.
    public func nodeName(of key: PodKey) -> String? { podNodes[key] }

    /// Adds or replaces a node (its usage is kept).
    public mutating func updateNode(_ node: Node) {
        guard let name = node.metadata.name else { return }
        let scheduling = SchedulingNode(node)
        let position = position(name)
        if entries[position].node == nil { nodeCount += 1 }
        entries[position].node = scheduling
    }

    /// Forgets a node. Pods still bound to it stay counted until they are removed, as in
    /// kube-scheduler's cache, so a node that comes back finds them.
    public mutating func removeNode(named name: String) {
        guard let position = positions[name], entries[position].node != nil else { return }
        nodeCount -= 1
        entries[position].node = nil
        dropIfEmpty(name)
    }

    /// Counts a pod on the node it is bound to (`spec.nodeName`), moving it if it was counted
    /// elsewhere; a pod that is unbound or has terminated (`Succeeded`/`Failed`) is not counted.
    public mutating func updatePod(_ pod: Pod) {
        let key = PodKey(pod)
        let nodeName = pod.spec?.nodeName ?? ""
        if let counted = podNodes[key], counted != nodeName || nodeName.isEmpty || NodeUsage.isTerminated(pod) {
            removePod(key)
        }
        guard !nodeName.isEmpty, !NodeUsage.isTerminated(pod) else { return }
        entries[position(nodeName)].usage.set(PodRequest(pod.spec), for: key)
        podNodes[key] = nodeName
    }

    /// Counts `pod` on `nodeName` as if it were bound there: what the API server does right after
    /// a successful `.bound` result (equivalent to `updatePod` with `spec.nodeName` set).
    public mutating func assume(_ pod: Pod, on nodeName: String) {
        var bound = pod
        if bound.spec == nil { bound.spec = PodSpec() }
        bound.spec?.nodeName = nodeName
        updatePod(bound)
    }

    /// Stops counting a deleted pod.
    public mutating func removePod(_ pod: Pod) { removePod(PodKey(pod)) }

    /// Stops counting the pod with this key, wherever it is counted.
    public mutating func removePod(_ key: PodKey) {
        guard let nodeName = podNodes.removeValue(forKey: key), let position = positions[nodeName] else { return }
        entries[position].usage.remove(key)
        dropIfEmpty(nodeName)
    }
}

/// A node reduced to what the filters and scores read, with its allocatable parsed once.
/// A class: the scheduler reads hundreds of these per pod, and a reference costs one retain where
/// a struct copy retains each of its strings, arrays and dictionaries.
final class SchedulingNode: Sendable {
    let name: String
    let labels: [String: String]
    let unschedulable: Bool
    /// Only the NoSchedule and NoExecute taints (the filter's concern).
    let hardTaints: [Taint]
    /// Only the PreferNoSchedule taints (the score's concern).
    let preferNoScheduleTaints: [Taint]
    let allocatable: ResourceAmounts
    /// Allocatable `pods`; a node that lists none takes no pods, as in kube-scheduler.
    let allowedPods: Int64

    init(_ node: Node) {
        name = node.metadata.name ?? ""
        labels = node.metadata.labels ?? [:]
        unschedulable = node.spec?.unschedulable ?? false
        let taints = node.spec?.taints ?? []
        hardTaints = taints.filter { $0.effect == "NoSchedule" || $0.effect == "NoExecute" }
        preferNoScheduleTaints = taints.filter { $0.effect == "PreferNoSchedule" }
        allocatable = ResourceAmounts(node.status?.allocatable)
        allowedPods = node.status?.allocatable?["pods"]?.value ?? 0
    }
}
