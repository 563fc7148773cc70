import Kube

extension JSONValue {
    /// `metadata.labels` as a dictionary (a non-string value reads as "").
    var labels: [String: String] {
        var labels: [String: String] = [:]
        for (key, value) in self["metadata"]?["labels"]?.objectValue ?? JSONObject() { labels[key] = value.stringValue ?? "" }
        return labels
    }
}

extension LabelSelector {
    /// A `metav1.LabelSelector` read leniently from stored JSON; nil when absent, null or not an object.
    init?(json value: JSONValue?) {
        guard let value, value.objectValue != nil else { return nil }
        var matchLabels: [String: String]?
        if let labels = value["matchLabels"]?.objectValue {
            matchLabels = [:]
            for (key, label) in labels { matchLabels?[key] = label.stringValue ?? "" }
        }
        let expressions = value["matchExpressions"]?.arrayValue?.map { expression in
            LabelSelectorRequirement(
                key: expression["key"]?.stringValue,
                operator: expression["operator"]?.stringValue.map { SelectorOperator(rawValue: $0) },
                values: expression["values"]?.arrayValue?.compactMap(\.stringValue))
        }
        self.init(matchLabels: matchLabels, matchExpressions: expressions)
    }

    var isEmpty: Bool { (matchLabels ?? [:]).isEmpty && (matchExpressions ?? []).isEmpty }
}
