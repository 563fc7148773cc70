import Kube

/// PodDisruptionBudget arithmetic, as the disruption controller computes its status.
enum Disruption {
    struct Status: Equatable {
        var currentHealthy: Int64
        var desiredHealthy: Int64
        var expectedPods: Int64
        var disruptionsAllowed: Int64
    }

    /// Whether the budget's selector selects the pod; an empty selector selects nothing in policy/v1beta1.
    static func selects(_ budget: JSONValue, _ pod: JSONValue) -> Bool {
        guard let selector = LabelSelector(json: budget["spec"]?["selector"]), !selector.isEmpty else { return false }
        return selector.matches(labels: pod.labels)
    }

    static func status(_ budget: JSONValue, pods: [JSONValue]) -> Status {
        let selected = pods.filter { selects(budget, $0) && $0["metadata"]?["deletionTimestamp"] == nil }
        let healthy = Int64(selected.filter(isReady).count)
        let expected = Int64(selected.count)
        let desired: Int64
        if let minAvailable = budget["spec"]?["minAvailable"] {
            desired = resolve(minAvailable, of: expected, roundUp: true)
        } else if let maxUnavailable = budget["spec"]?["maxUnavailable"] {
            desired = max(0, expected - resolve(maxUnavailable, of: expected, roundUp: true))
        } else {
            desired = expected
        }
        return Status(
            currentHealthy: healthy, desiredHealthy: desired, expectedPods: expected,
            disruptionsAllowed: max(0, healthy - desired))
    }

    /// An int-or-percent against `total`.
    static func resolve(_ value: JSONValue, of total: Int64, roundUp: Bool) -> Int64 {
        if let number = value.int64Value { return number }
        guard let text = value.stringValue, text.hasSuffix("%"), let percent = Double(text.dropLast()) else { return 0 }
        let exact = percent * Double(total) / 100
        return Int64(roundUp ? exact.rounded(.up) : exact.rounded(.down))
    }

    static func isReady(_ pod: JSONValue) -> Bool {
        (pod["status"]?["conditions"]?.arrayValue ?? []).contains {
            $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True"
        }
    }
}
