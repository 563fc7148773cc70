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
    private var unschedulable: [ObjectKey: Pod] = [:]
    /// What of each node scheduling reads (`SchedulingNode`): a heartbeat that changes none of it
    /// is neither decoded nor a reason to retry.
    private var nodeSeen: [ObjectKey: JSONValue] = [:]

    init(server: APIServer) { self.server = server }

    func nodesChanged() {
        pending.merge(unschedulable) { current, _ in current }
        unschedulable = [:]
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
        guard nodeSeen[key] != seen, let node = decode(Node.self, object) else { return }
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
    /// Where the next pod's search for nodes starts (kube-scheduler's nextStartNodeIndex).
    private var nextStart = 0

    func podChanged(_ key: ObjectKey) {
        guard let object = server.store.get("pods", key) else {
            snapshot.removePod(PodKey(namespace: key.namespace, name: key.name))
            pending[key] = nil
            unschedulable[key] = nil
            // A bound pod going away frees capacity.
            if seen.removeValue(forKey: key)?.nodeName.isEmpty == false { nodesChanged() }
            return
        }
        let state = PodState(object)
        guard seen[key] != state, let pod = decode(Pod.self, Self.schedulingView(object)) else { return }
        seen[key] = state
        snapshot.updatePod(pod)
        let bound = !state.nodeName.isEmpty
        if bound || state.schedulerName != "default-scheduler" || state.terminating {
            pending[key] = nil
            unschedulable[key] = nil
        } else if unschedulable[key] == nil {
            pending[key] = pod
        }
        // A pod that finished frees capacity.
        if bound, NodeUsage.isTerminated(pod) { nodesChanged() }
    }

    /// Tries every pending pod once, oldest first.
    func schedulePending() {
        guard !pending.isEmpty else { return }
        let pods = server.registry.lookup(group: "", version: "v1", resource: "pods")!
        let queue = pending.sorted { a, b in
            let first = a.value.metadata.creationTimestamp
            let second = b.value.metadata.creationTimestamp
            return first == second ? a.key < b.key : (first?.seconds ?? 0) < (second?.seconds ?? 0)
        }
        pending = [:]
        for (key, pod) in queue {
            guard let object = server.store.get("pods", key) else { continue }
            switch scheduler.schedule(pod, in: snapshot, startingAt: &nextStart) {
            case .bound(let node):
                do { try server.assign(pods, key: key, to: node) } catch { continue }
                snapshot.assume(pod, on: node)
                setScheduledCondition(key, status: "True", reason: nil, message: nil)
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
        let now = server.configuration.now().rfc3339
        var changed = false
        server.updateInternal("pods", key) { pod in
            var conditions = pod["status"]?["conditions"]?.arrayValue ?? []
            var condition: JSONValue = ["type": "PodScheduled", "status": .string(status), "lastProbeTime": nil, "lastTransitionTime": .string(now)]
            if let reason { condition["reason"] = .string(reason) }
            if let message { condition["message"] = .string(message) }
            if let index = conditions.firstIndex(where: { $0["type"] == "PodScheduled" }) {
                guard conditions[index]["status"]?.stringValue != status || conditions[index]["message"]?.stringValue != message
                else { return }
                conditions[index] = condition
            } else {
                conditions.append(condition)
            }
            changed = true
            if pod["status"] == nil { pod["status"] = .object([:]) }
            pod["status"]?["conditions"] = .array(conditions)
        }
        return changed
    }

    /// The parts of a pod scheduling reads: decoding only these is several times cheaper than the
    /// whole defaulted pod (volumes, mounts, env…).
    static func schedulingView(_ pod: JSONValue) -> JSONValue {
        var metadata: JSONValue = .object([:])
        for key in ["name", "namespace", "uid", "creationTimestamp", "deletionTimestamp"] { metadata[key] = pod["metadata"]?[key] }
        var spec: JSONValue = .object([:])
        for key in ["nodeName", "schedulerName", "nodeSelector", "affinity", "tolerations", "overhead"] { spec[key] = pod["spec"]?[key] }
        for list in ["initContainers", "containers"] {
            guard let containers = pod["spec"]?[list]?.arrayValue else { continue }
            spec[list] = .array(containers.map { ["name": $0["name"] ?? "", "resources": $0["resources"] ?? .object([:])] })
        }
        return ["metadata": metadata, "spec": spec, "status": ["phase": pod["status"]?["phase"] ?? .null]]
    }

    private func decode<T: Decodable>(_ type: T.Type, _ value: JSONValue) -> T? {
        try? value.decode(type)
    }
}
