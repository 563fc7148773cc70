import Kube

/// The scores of kube-scheduler 1.19's default plugins that depend on what this scheduler models,
/// each 0–100 and weighted 1 as in its default profile: NodeResourcesLeastAllocated,
/// NodeResourcesBalancedAllocation, NodeAffinity (preferred terms) and TaintToleration
/// (PreferNoSchedule). The last two are normalized across the feasible nodes, so scoring is two
/// steps: `raw` per node, then `total` once the maxima are known.
enum SchedulerScore {
    static let maxNodeScore: Int64 = 100

    /// One feasible node's scores before normalization.
    struct Raw {
        var name: String
        /// LeastAllocated + BalancedAllocation: already final.
        var resources: Int64
        /// Sum of the weights of the preferred node-affinity terms the node matches.
        var affinity: Int64
        /// How many of the node's PreferNoSchedule taints the pod does not tolerate.
        var intolerableTaints: Int64
    }

    /// Feasible nodes whose normalized scores are bound to be equal.
    struct Group: Hashable {
        var affinity: Int64
        var intolerableTaints: Int64
    }

    static func raw(_ pod: PreparedPod, _ node: SchedulingNode, _ usage: NodeUsage) -> Raw {
        let cpu = (requested: usage.nonZeroMilliCPU &+ pod.scoringMilliCPU, allocatable: node.allocatable.milliCPU)
        let memory = (requested: usage.nonZeroMemory &+ pod.scoringMemory, allocatable: node.allocatable.memory)
        let least =
            (leastRequested(cpu.requested, cpu.allocatable) + leastRequested(memory.requested, memory.allocatable)) / 2
        let balanced = balancedAllocation(cpu, memory)
        var affinity: Int64 = 0
        for preference in pod.preferred where preferenceMatches(preference.term, node.labels) {
            affinity = affinity &+ preference.weight
        }
        var intolerable: Int64 = 0
        for taint in node.preferNoScheduleTaints where !pod.tolerations.contains(where: { $0.tolerates(taint) }) {
            intolerable += 1
        }
        return Raw(name: node.name, resources: least + balanced, affinity: affinity, intolerableTaints: intolerable)
    }

    /// The weighted sum, given the largest raw affinity and taint counts among the feasible nodes
    /// (kube-scheduler's `DefaultNormalizeScore`; reversed for taints, so no taint scores 100).
    static func total(_ raw: Raw, maxAffinity: Int64, maxIntolerableTaints: Int64) -> Int64 {
        let affinity = maxAffinity > 0 ? scaled(raw.affinity, of: maxAffinity) : 0
        let taints =
            maxIntolerableTaints > 0
            ? maxNodeScore - scaled(raw.intolerableTaints, of: maxIntolerableTaints) : maxNodeScore
        return raw.resources + affinity + taints
    }

    /// `100 × value / maximum` in integers, without overflow.
    static func scaled(_ value: Int64, of maximum: Int64) -> Int64 {
        Int64(Int128(maxNodeScore) * Int128(value) / Int128(maximum))
    }

    /// NodeResourcesLeastAllocated for one resource: the free share, 0 when nothing is allocatable
    /// or the node is over-committed.
    static func leastRequested(_ requested: Int64, _ capacity: Int64) -> Int64 {
        guard capacity > 0, requested <= capacity else { return 0 }
        return scaled(capacity - requested, of: capacity)
    }

    /// NodeResourcesBalancedAllocation: 100 × (1 − |cpu share − memory share|), 0 when either share
    /// reaches 1 (a resource with nothing allocatable counts as full).
    static func balancedAllocation(
        _ cpu: (requested: Int64, allocatable: Int64), _ memory: (requested: Int64, allocatable: Int64)
    ) -> Int64 {
        let cpuFraction = fraction(cpu.requested, cpu.allocatable)
        let memoryFraction = fraction(memory.requested, memory.allocatable)
        guard cpuFraction < 1, memoryFraction < 1 else { return 0 }
        return Int64((1 - abs(cpuFraction - memoryFraction)) * Double(maxNodeScore))
    }

    private static func fraction(_ requested: Int64, _ capacity: Int64) -> Double {
        capacity == 0 ? 1 : Double(requested) / Double(capacity)
    }

    /// A preferred term as kube-scheduler 1.19's NodeAffinity score reads it: only its
    /// `matchExpressions`, all of which must hold; none (or only `matchFields`) matches nothing.
    static func preferenceMatches(_ term: NodeSelectorTerm, _ labels: [String: String]) -> Bool {
        guard let expressions = term.matchExpressions, !expressions.isEmpty else { return false }
        return expressions.allSatisfy { $0.matches(labels) }
    }
}
