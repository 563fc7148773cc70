import Kube

/// PodDisruptionBudget arithmetic, as the disruption controller computes its status.
enum Disruption {
    struct Status: Equatable {
        var currentHealthy: Int64
        var desiredHealthy: Int64
        var expectedPods: Int64
        var disruptionsAllowed: Int64
    }

    static func selects(_ budget: JSONValue, _ pod: JSONValue) -> Bool {
        guard let selector = budget["spec"]?["selector"] else { return false }
        var labels: [String: String] = [:]
        for (key, value) in pod["metadata"]?["labels"]?.objectValue ?? JSONObject() { labels[key] = value.stringValue ?? "" }
        let matchLabels = selector["matchLabels"]?.objectValue ?? JSONObject()
        guard matchLabels.allSatisfy({ labels[$0.key] == $0.value.stringValue }) else { return false }
        for requirement in selector["matchExpressions"]?.arrayValue ?? [] {
            let key = requirement["key"]?.stringValue ?? ""
            let values = Set((requirement["values"]?.arrayValue ?? []).compactMap(\.stringValue))
            let matches: Bool
            switch requirement["operator"]?.stringValue {
            case "In": matches = labels[key].map(values.contains) ?? false
            case "NotIn": matches = !(labels[key].map(values.contains) ?? false)
            case "Exists": matches = labels[key] != nil
            case "DoesNotExist": matches = labels[key] == nil
            default: matches = false
            }
            if !matches { return false }
        }
        // An empty selector selects nothing in policy/v1beta1.
        return !matchLabels.isEmpty || !(selector["matchExpressions"]?.arrayValue ?? []).isEmpty
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
