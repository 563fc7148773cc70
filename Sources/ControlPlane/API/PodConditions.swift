import Kube

extension JSONValue {
    /// Sets the `PodScheduled` condition of this pod, as the apiserver's binding (True) and the
    /// scheduler (False, Unschedulable) do; returns whether anything changed.
    mutating func setPodScheduled(_ status: String, reason: String? = nil, message: String? = nil, at now: Time) -> Bool {
        var conditions = self["status"]?["conditions"]?.arrayValue ?? []
        var condition: JSONValue = ["type": "PodScheduled", "status": .string(status), "lastProbeTime": nil, "lastTransitionTime": .string(now.rfc3339)]
        if let reason { condition["reason"] = .string(reason) }
        if let message { condition["message"] = .string(message) }
        if let index = conditions.firstIndex(where: { $0["type"] == "PodScheduled" }) {
            guard conditions[index]["status"]?.stringValue != status || conditions[index]["message"]?.stringValue != message
            else { return false }
            conditions[index] = condition
        } else {
            conditions.append(condition)
        }
        if self["status"] == nil { self["status"] = .object([:]) }
        self["status"]?["conditions"] = .array(conditions)
        return true
    }
}
