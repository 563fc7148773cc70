import Glibc
import Kube

/// What scheduling one pod decided.
public enum SchedulingResult: Sendable, Equatable {
    /// Bind the pod to this node.
    case bound(String)
    /// No node can take the pod; the message is kube-scheduler 1.19's, for the pod's
    /// `PodScheduled=False` condition (reason `Unschedulable`) and the `FailedScheduling` event.
    case unschedulable(String)

    /// The node of `.bound`.
    public var nodeName: String? {
        if case .bound(let name) = self { return name }
        return nil
    }

    /// The message of `.unschedulable`.
    public var message: String? {
        if case .unschedulable(let message) = self { return message }
        return nil
    }
}

/// The embedded control plane's scheduler: kube-scheduler 1.19's default decision for the plugins
/// it models, as a pure function of the pod and a `SchedulerSnapshot`.
///
/// - Filters (in 1.19's order, a node reporting the first that rejects it): NodeUnschedulable,
///   NodeResourcesFit (pods, cpu, memory, ephemeral-storage, scalar resources), NodeAffinity
///   (`nodeSelector` and required node affinity), TaintToleration (NoSchedule/NoExecute).
/// - Scores (each 0–100, weight 1): NodeResourcesLeastAllocated, NodeResourcesBalancedAllocation,
///   NodeAffinity (preferred terms, normalized), TaintToleration (PreferNoSchedule, normalized).
/// - Ties: where kube-scheduler picks one of the best nodes at random, this picks the one whose
///   name sorts first (byte order), so a decision is reproducible.
///
/// Nodes are examined in one pass with no allocation per node; large clusters are sampled as
/// kube-scheduler samples them (`schedule(_:in:startingAt:)`). The two normalized scores depend on maxima over all feasible nodes, but a
/// node's total only grows with its resource score among nodes with the same raw affinity and taint
/// counts, so the pass keeps just the best node of each such (small) group and ranks them at the end.
/// The caller only hands over pods that need scheduling (no `spec.nodeName`, this scheduler's name).
public struct Scheduler: Sendable {
    /// kube-scheduler's message when the cluster has no node at all.
    public static let noNodesMessage = "no nodes available to schedule pods"

    public init() {}

    /// Examines every node.
    public func schedule(_ pod: Pod, in snapshot: SchedulerSnapshot) -> SchedulingResult {
        var start = 0
        return schedule(pod, in: snapshot, startingAt: &start, sampling: false)
    }

    /// As kube-scheduler does in large clusters: examines nodes from `start` on, wrapping, until it
    /// has found `feasibleNodesToFind` nodes that fit, and moves `start` past the nodes it examined,
    /// so successive pods look at different nodes.
    public func schedule(_ pod: Pod, in snapshot: SchedulerSnapshot, startingAt start: inout Int, sampling: Bool = true)
        -> SchedulingResult
    {
        guard snapshot.nodeCount > 0 else { return .unschedulable(Self.noNodesMessage) }
        let prepared = PreparedPod(pod)
        var reasons: [FitReason: Int] = [:]
        // Few groups (usually one): a linear search beats hashing per feasible node.
        var groups: [(group: SchedulerScore.Group, leader: SchedulerScore.Raw)] = []
        var maxAffinity: Int64 = 0
        var maxIntolerableTaints: Int64 = 0
        let count = snapshot.entries.count
        let wanted = sampling ? Self.feasibleNodesToFind(count) : count
        var feasible = 0
        var examined = 0
        var position = start % count
        snapshot.entries.withUnsafeBufferPointer { entries in
            while examined < count, feasible < wanted {
                defer {
                    examined += 1
                    position = position + 1 == count ? 0 : position + 1
                }
                // Read in place: copying an entry retains every array and dictionary it holds.
                guard entries[position].node != nil,
                    SchedulerFit.fits(prepared, on: entries[position].node!, usage: entries[position].usage, reasons: &reasons)
                else { continue }
                feasible += 1
                let raw = SchedulerScore.raw(prepared, entries[position].node!, entries[position].usage)
                maxAffinity = max(maxAffinity, raw.affinity)
                maxIntolerableTaints = max(maxIntolerableTaints, raw.intolerableTaints)
                let group = SchedulerScore.Group(affinity: raw.affinity, intolerableTaints: raw.intolerableTaints)
                guard let slot = groups.firstIndex(where: { $0.group == group }) else {
                    groups.append((group, raw))
                    continue
                }
                if Self.ranks((raw.resources, raw.name), above: (groups[slot].leader.resources, groups[slot].leader.name)) {
                    groups[slot].leader = raw
                }
            }
        }
        start = (start + examined) % count
        var best: (score: Int64, name: String)?
        for (_, raw) in groups {
            let score = SchedulerScore.total(raw, maxAffinity: maxAffinity, maxIntolerableTaints: maxIntolerableTaints)
            if let current = best, !Self.ranks((score, raw.name), above: current) { continue }
            best = (score, raw.name)
        }
        guard let best else {
            return .unschedulable(Self.message(nodeCount: snapshot.nodeCount, reasons: reasons))
        }
        return .bound(best.name)
    }

    /// kube-scheduler's adaptive share of nodes to find feasible: all below 100 nodes, else
    /// 50% less one point per 125 nodes, at least 5% and at least 100 nodes.
    static func feasibleNodesToFind(_ nodes: Int) -> Int {
        guard nodes >= 100 else { return nodes }
        let percentage = max(5, 50 - nodes / 125)
        return max(100, nodes * percentage / 100)
    }

    /// A higher score first; between equal scores, the name that sorts first.
    static func ranks(_ a: (score: Int64, name: String), above b: (score: Int64, name: String)) -> Bool {
        a.score != b.score ? a.score > b.score : precedes(a.name, b.name)
    }

    /// kube-scheduler's `FitError` text: `0/N nodes are available: ` and each reason as
    /// `<count> <reason>`, sorted as strings (so `10 …` sorts before `2 …`, as in Go), joined with
    /// `, ` and closed with a full stop.
    static func message(nodeCount: Int, reasons: [FitReason: Int]) -> String {
        let histogram = reasons.map { "\($0.value) \($0.key.text)" }.sorted(by: precedes)
        return "0/\(nodeCount) nodes are available: \(histogram.joined(separator: ", "))."
    }

    /// Byte-wise order, as Go compares strings.
    static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = min(x.count, y.count)
                let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return order != 0 ? order < 0 : x.count < y.count
            }
        }
    }
}
