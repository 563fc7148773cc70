import Kube
import Loop

/// Keeps node taints in step with the Ready condition, and marks silent nodes Unknown and
/// unreachable, as kube-controller-manager's node lifecycle controller does.
@LoopActor
final class NodeLifecycleController {
    unowned let server: APIServer

    init(server: APIServer) { self.server = server }

    static let notReady = "node.kubernetes.io/not-ready"
    static let unreachable = "node.kubernetes.io/unreachable"

    /// Taints follow Ready: True → none of ours; False → not-ready; Unknown → unreachable.
    func reconcile(_ key: ObjectKey) {
        let now = server.configuration.now().rfc3339
        server.updateInternal("nodes", key) { node in
            let ready = Self.condition(node, "Ready")?["status"]?.stringValue ?? "Unknown"
            var taints = node["spec"]?["taints"]?.arrayValue ?? []
            let wanted: [(key: String, effect: String)] =
                switch ready {
                case "True": []
                case "False": [(Self.notReady, "NoSchedule"), (Self.notReady, "NoExecute")]
                default: [(Self.unreachable, "NoSchedule"), (Self.unreachable, "NoExecute")]
                }
            taints.removeAll { taint in
                let key = taint["key"]?.stringValue ?? ""
                return (key == Self.notReady || key == Self.unreachable)
                    && !wanted.contains { $0.key == key && $0.effect == taint["effect"]?.stringValue }
            }
            for (key, effect) in wanted
            where !taints.contains(where: { $0["key"]?.stringValue == key && $0["effect"]?.stringValue == effect }) {
                var taint: JSONValue = ["key": .string(key), "effect": .string(effect)]
                if effect == "NoExecute" { taint["timeAdded"] = .string(now) }
                taints.append(taint)
            }
            if node["spec"] == nil { node["spec"] = .object([:]) }
            node["spec"]?["taints"] = taints.isEmpty ? nil : .array(taints)
        }
    }

    /// Nodes whose lease and Ready heartbeat are both older than the grace period become Unknown.
    func checkHeartbeats() {
        let now = server.configuration.now()
        let grace = server.configuration.nodeMonitorGracePeriod
        // Stored renewTimes have one form (six digits, UTC), in which text order is time order: a
        // lease at least this recent settles its node without parsing a time or reading the node.
        let freshFrom = MicroTime(now - grace).rfc3339
        // Every 5 s over every node, unsorted.
        for (key, node) in server.store.unordered("nodes") {
            let lease = server.store.get("coordination.k8s.io/leases", ObjectKey(namespace: "kube-node-lease", name: key.name))
            let renewTime = lease?["spec"]?["renewTime"]?.stringValue
            if let renewTime, renewTime.utf8.count == freshFrom.utf8.count, renewTime >= freshFrom { continue }
            guard let ready = Self.condition(node, "Ready"), ready["status"]?.stringValue != "Unknown" else { continue }
            let renewed = renewTime.flatMap(MicroTime.init(rfc3339:)).map(Time.init)
            if let renewed, now - renewed <= grace { continue }
            let heartbeats = [
                renewed,
                ready["lastHeartbeatTime"]?.stringValue.flatMap(Time.init(rfc3339:)),
                node["metadata"]?["creationTimestamp"]?.stringValue.flatMap(Time.init(rfc3339:)),
            ].compactMap { $0 }
            guard let last = heartbeats.max(), now - last > grace else { continue }
            server.updateInternal("nodes", key) { node in
                var conditions = node["status"]?["conditions"]?.arrayValue ?? []
                for index in conditions.indices where conditions[index]["status"]?.stringValue != "Unknown" {
                    conditions[index]["status"] = "Unknown"
                    conditions[index]["reason"] = "NodeStatusUnknown"
                    conditions[index]["message"] = "Kubelet stopped posting node status."
                    conditions[index]["lastTransitionTime"] = .string(now.rfc3339)
                }
                node["status"]?["conditions"] = .array(conditions)
            }
        }
    }

    static func condition(_ node: JSONValue, _ type: String) -> JSONValue? {
        node["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }
}
