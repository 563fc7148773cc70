import Kube
import Loop

/// Binds pending pods with `Scheduler`, keeping its snapshot in step with every node and pod write;
/// a pod that fits nowhere gets `PodScheduled=False` and a FailedScheduling event, and is retried
/// when nodes change.
@LoopActor
final class SchedulerController {
    unowned let server: APIServer
    private let scheduler = Scheduler()
    private var snapshot = SchedulerSnapshot()
    /// Pods waiting for a node, decoded once when they changed; those that fit nowhere wait in
    /// `unschedulable` until nodes change or capacity is freed.
    private var pending: [ObjectKey: Pod] = [:]
    /// The order in which to try `pending` (keys may repeat or be gone: `pending` decides). Arrival
    /// order is creation order, so no sort is needed per round.
    private var pendingOrder: [ObjectKey] = []
    private var unschedulable: [ObjectKey: Pod] = [:]
    /// What of each node scheduling reads (`SchedulingNode`): a heartbeat that changes none of it
    /// is neither decoded nor a reason to retry.
    private var nodeSeen: [ObjectKey: JSONValue] = [:]

    init(server: APIServer) { self.server = server }

    /// Retries every unschedulable pod, oldest first.
    func nodesChanged() {
        guard !unschedulable.isEmpty else { return }
        let retries = unschedulable.sorted { a, b in
            let first = a.value.metadata.creationTimestamp, second = b.value.metadata.creationTimestamp
            return first == second ? a.key < b.key : (first?.seconds ?? 0) < (second?.seconds ?? 0)
        }
        for (key, pod) in retries { enqueue(key, pod) }
        unschedulable = [:]
    }

    private func enqueue(_ key: ObjectKey, _ pod: Pod) {
        if pending.updateValue(pod, forKey: key) == nil { pendingOrder.append(key) }
    }

    func nodeChanged(_ key: ObjectKey) {
        guard let object = server.store.get("nodes", key) else {
            nodeSeen[key] = nil
            snapshot.removeNode(named: key.name)
            return nodesChanged()
        }
        let seen: JSONValue = [
            "labels": object["metadata"]?["labels"] ?? .null, "unschedulable": object["spec"]?["unschedulable"] ?? .null,
            "taints": object["spec"]?["taints"] ?? .null, "allocatable": object["status"]?["allocatable"] ?? .null,
        ]
        guard nodeSeen[key] != seen, let node = try? object.decode(Node.self) else { return }
        nodeSeen[key] = seen
        snapshot.updateNode(node)
        nodesChanged()
    }

    /// What of a pod the scheduler reacts to. Spec is immutable where requests live, so a change
    /// that leaves this alone (a status update) needs no decoding.
    private struct PodState: Equatable {
        var nodeName: String
        var phase: String
        var terminating: Bool
        var schedulerName: String

        init(_ pod: JSONValue) {
            nodeName = pod["spec"]?["nodeName"]?.stringValue ?? ""
            phase = pod["status"]?["phase"]?.stringValue ?? ""
            terminating = pod["metadata"]?["deletionTimestamp"] != nil
            schedulerName = pod["spec"]?["schedulerName"]?.stringValue ?? "default-scheduler"
        }
    }

    private var seen: [ObjectKey: PodState] = [:]
    /// Pods that changed since the snapshot last counted them and that need no scheduling. They are
    /// decoded only when a pod is to be scheduled, so binding pods directly costs no decoding.
    private var uncounted: Set<ObjectKey> = []
    /// Where the next pod's search for nodes starts (kube-scheduler's nextStartNodeIndex).
    private var nextStart = 0

    func podChanged(_ key: ObjectKey) {
        guard let object = server.store.get("pods", key) else {
            snapshot.removePod(PodKey(namespace: key.namespace, name: key.name))
            pending[key] = nil
            unschedulable[key] = nil
            uncounted.remove(key)
            // A bound pod going away frees capacity.
            if seen.removeValue(forKey: key)?.nodeName.isEmpty == false { nodesChanged() }
            return
        }
        let state = PodState(object)
        guard seen[key] != state else { return }
        let bound = !state.nodeName.isEmpty
        if bound || state.schedulerName != "default-scheduler" || state.terminating {
            seen[key] = state
            uncounted.insert(key)
            pending[key] = nil
            unschedulable[key] = nil
        } else {
            guard let pod = Self.schedulingPod(object) else { return }
            seen[key] = state
            uncounted.remove(key)
            snapshot.updatePod(pod)
            if unschedulable[key] == nil { enqueue(key, pod) }
        }
        // A pod that finished frees capacity.
        if bound, NodeUsage.isTerminated(phase: state.phase) { nodesChanged() }
    }

    /// Brings the snapshot up to date with the pods that changed since it was last read.
    private func countChangedPods() {
        for key in uncounted {
            guard let object = server.store.get("pods", key) else { continue }
            if let pod = Self.schedulingPod(object) { snapshot.updatePod(pod) } else { seen[key] = nil }
        }
        uncounted = []
    }

    /// Tries every pending pod once, in the order they became pending.
    func schedulePending() {
        guard !pending.isEmpty else { return }
        countChangedPods()
        let pods = server.registry.lookup(group: "", version: "v1", resource: "pods")!
        let queue = pendingOrder
        var waiting = pending
        pending = [:]
        pendingOrder = []
        for key in queue {
            guard let pod = waiting.removeValue(forKey: key), let object = server.store.get("pods", key) else { continue }
            switch scheduler.schedule(pod, in: snapshot, startingAt: &nextStart) {
            case .bound(let node):
                do { try server.assign(pods, key: key, to: node) } catch { continue }
                snapshot.assume(pod, on: node)
            case .unschedulable(let message):
                unschedulable[key] = pod
                if setScheduledCondition(key, status: "False", reason: "Unschedulable", message: message) {
                    server.recordEvent(
                        about: object, reason: "FailedScheduling", message: message, type: "Warning",
                        component: "default-scheduler")
                }
            }
        }
    }

    /// Sets `PodScheduled`; returns whether anything changed.
    @discardableResult
    private func setScheduledCondition(_ key: ObjectKey, status: String, reason: String?, message: String?) -> Bool {
        let now = server.configuration.now()
        var changed = false
        server.updateInternal("pods", key) { pod in
            changed = pod.setPodScheduled(status, reason: reason, message: message, at: now)
        }
        return changed
    }

    /// The pod as far as scheduling reads it, taken straight from the stored JSON: the typed decoder
    /// runs only for the nested parts a pod has (affinity, tolerations, resources), which is several
    /// times cheaper than decoding even a trimmed pod field by field.
    static func schedulingPod(_ object: JSONValue) -> Pod? {
        let metadata = object["metadata"], spec = object["spec"]
        var meta = ObjectMeta(name: metadata?["name"]?.stringValue, namespace: metadata?["namespace"]?.stringValue)
        meta.uid = metadata?["uid"]?.stringValue
        meta.creationTimestamp = metadata?["creationTimestamp"]?.stringValue.flatMap(Time.init(rfc3339:))
        meta.deletionTimestamp = metadata?["deletionTimestamp"]?.stringValue.flatMap(Time.init(rfc3339:))
        var podSpec = PodSpec(nodeName: spec?["nodeName"]?.stringValue)
        podSpec.schedulerName = spec?["schedulerName"]?.stringValue
        do {
            podSpec.nodeSelector = try spec?["nodeSelector"].map { try $0.decode([String: String].self) }
            podSpec.affinity = try spec?["affinity"].map { try $0.decode(Affinity.self) }
            podSpec.tolerations = try spec?["tolerations"].map { try $0.decode([Toleration].self) }
            podSpec.overhead = try spec?["overhead"].map { try $0.decode([String: Quantity].self) }
            podSpec.containers = try spec?["containers"]?.arrayValue.map(schedulingContainers)
            podSpec.initContainers = try spec?["initContainers"]?.arrayValue.map(schedulingContainers)
        } catch {
            return nil
        }
        return Pod(metadata: meta, spec: podSpec, status: PodStatus(phase: object["status"]?["phase"]?.stringValue))
    }

    private static func schedulingContainers(_ containers: [JSONValue]) throws -> [Container] {
        try containers.map { container in
            var typed = Container(name: container["name"]?.stringValue)
            typed.resources = try container["resources"].map { try $0.decode(ResourceRequirements.self) }
            return typed
        }
    }
}
