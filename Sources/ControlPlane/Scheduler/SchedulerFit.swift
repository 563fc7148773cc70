import Kube

/// Why a node cannot take a pod, one of kube-scheduler 1.19's filter reasons.
enum FitReason: Hashable, Sendable {
    /// NodeUnschedulable: `spec.unschedulable` not tolerated.
    case unschedulable
    /// NodeResourcesFit: the node's allocatable `pods` would be exceeded.
    case tooManyPods
    /// NodeResourcesFit: a resource (`cpu`, `memory`, `ephemeral-storage`, a scalar) would be exceeded.
    case insufficient(String)
    /// NodeAffinity: `spec.nodeSelector` or the required node affinity does not match.
    case nodeSelector
    /// TaintToleration: the first NoSchedule/NoExecute taint the pod does not tolerate.
    case taint(key: String, value: String)

    /// The text kube-scheduler 1.19 reports for it.
    var text: String {
        switch self {
        case .unschedulable: "node(s) were unschedulable"
        case .tooManyPods: "Too many pods"
        case .insufficient(let resource): "Insufficient \(resource)"
        case .nodeSelector: "node(s) didn't match node selector"
        case .taint(let key, let value): "node(s) had taint {\(key): \(value)}, that the pod didn't tolerate"
        }
    }
}

/// The pending pod with everything the filters and scores read worked out once per scheduling.
struct PreparedPod {
    let request: PodRequest
    let nodeSelector: [String: String]
    /// Nil when the pod has no required node affinity (every node passes).
    let requiredAffinity: NodeSelector?
    let tolerations: [Toleration]
    let toleratesUnschedulable: Bool
    /// Preferred node-affinity terms with a non-zero weight.
    let preferred: [(weight: Int64, term: NodeSelectorTerm)]
    /// cpu and memory added for scoring (the non-zero defaults, see `PodRequest`).
    let scoringMilliCPU: Int64
    let scoringMemory: Int64

    static let unschedulableTaint = Taint(key: "node.kubernetes.io/unschedulable", effect: "NoSchedule")

    init(_ pod: Pod) {
        let spec = pod.spec
        request = PodRequest(spec)
        nodeSelector = spec?.nodeSelector ?? [:]
        let nodeAffinity = spec?.affinity?.nodeAffinity
        requiredAffinity = nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
        tolerations = spec?.tolerations ?? []
        toleratesUnschedulable = tolerations.contains { $0.tolerates(Self.unschedulableTaint) }
        preferred = (nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).compactMap { term in
            guard let weight = term.weight, weight != 0 else { return nil }
            return (Int64(weight), term.preference ?? NodeSelectorTerm())
        }
        scoringMilliCPU = request.incomingNonZeroMilliCPU
        scoringMemory = request.nonZeroMemory
    }
}

/// The filters, in kube-scheduler 1.19's default order: NodeUnschedulable, NodeResourcesFit,
/// NodeAffinity, TaintToleration. As there, a node reports only the reasons of the first filter
/// that rejects it (NodeResourcesFit may report several).
enum SchedulerFit {
    /// Whether `node` can take `pod`; when not, its reasons are counted into `reasons`.
    static func fits(
        _ pod: PreparedPod, on node: SchedulingNode, usage: NodeUsage, reasons: inout [FitReason: Int]
    ) -> Bool {
        if node.unschedulable && !pod.toleratesUnschedulable {
            reasons[.unschedulable, default: 0] += 1
            return false
        }
        if !resourcesFit(pod.request.resources, on: node, usage: usage, reasons: &reasons) { return false }
        if !matchesNodeSelectorAndAffinity(pod, node) {
            reasons[.nodeSelector, default: 0] += 1
            return false
        }
        if let taint = firstUntoleratedTaint(pod, node) {
            reasons[.taint(key: taint.key ?? "", value: taint.value ?? ""), default: 0] += 1
            return false
        }
        return true
    }

    /// NodeResourcesFit: the pod count always; cpu, memory, ephemeral-storage and the scalar
    /// resources the pod names only when it requests anything (so a request-less pod fits even an
    /// over-committed node).
    static func resourcesFit(
        _ request: ResourceAmounts, on node: SchedulingNode, usage: NodeUsage, reasons: inout [FitReason: Int]
    ) -> Bool {
        var fits = true
        func fail(_ reason: FitReason) {
            reasons[reason, default: 0] += 1
            fits = false
        }
        if Int64(usage.podCount) + 1 > node.allowedPods { fail(.tooManyPods) }
        guard !request.isEmpty else { return fits }
        let used = usage.requested
        let allocatable = node.allocatable
        if allocatable.milliCPU < request.milliCPU &+ used.milliCPU { fail(.insufficient("cpu")) }
        if allocatable.memory < request.memory &+ used.memory { fail(.insufficient("memory")) }
        if allocatable.ephemeralStorage < request.ephemeralStorage &+ used.ephemeralStorage {
            fail(.insufficient("ephemeral-storage"))
        }
        for (name, amount) in request.scalar
        where allocatable.scalar[name, default: 0] < amount &+ used.scalar[name, default: 0] {
            fail(.insufficient(name))
        }
        return fits
    }

    /// NodeAffinity's filter: every `nodeSelector` label, and when a required node affinity is
    /// given, one of its terms (no terms: no node).
    static func matchesNodeSelectorAndAffinity(_ pod: PreparedPod, _ node: SchedulingNode) -> Bool {
        for (key, value) in pod.nodeSelector where node.labels[key] != value { return false }
        guard let required = pod.requiredAffinity else { return true }
        return (required.nodeSelectorTerms ?? []).contains { termMatches($0, node) }
    }

    /// Kubernetes' `MatchNodeSelectorTerms` for one term: its expressions against the labels and
    /// its fields against `metadata.name`, all of which must hold; an empty term matches nothing.
    static func termMatches(_ term: NodeSelectorTerm, _ node: SchedulingNode) -> Bool {
        let expressions = term.matchExpressions ?? []
        let fields = term.matchFields ?? []
        guard !expressions.isEmpty || !fields.isEmpty else { return false }
        return expressions.allSatisfy { $0.matches(node.labels) } && fields.allSatisfy { fieldMatches($0, node.name) }
    }

    /// A field requirement: `In` or `NotIn` with exactly one value, against the node's fields
    /// (only `metadata.name` exists; any other field reads as empty). Anything else is invalid.
    static func fieldMatches(_ requirement: NodeSelectorRequirement, _ nodeName: String) -> Bool {
        guard let values = requirement.values, values.count == 1 else { return false }
        let field = requirement.key == "metadata.name" ? nodeName : ""
        switch requirement.operator {
        case .in?: return field == values[0]
        case .notIn?: return field != values[0]
        default: return false
        }
    }

    /// TaintToleration's filter: the first NoSchedule/NoExecute taint no toleration tolerates.
    static func firstUntoleratedTaint(_ pod: PreparedPod, _ node: SchedulingNode) -> Taint? {
        node.hardTaints.first { taint in !pod.tolerations.contains { $0.tolerates(taint) } }
    }
}
