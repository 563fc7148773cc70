/// `v1.Taint` on a node.
public struct Taint: Codable, Sendable, Equatable {
    public var key: String?
    public var value: String?
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    public var effect: String?
    /// Set for NoExecute taints added by the node controller.
    public var timeAdded: Time?

    public init(key: String? = nil, value: String? = nil, effect: String? = nil, timeAdded: Time? = nil) {
        self.key = key
        self.value = value
        self.effect = effect
        self.timeAdded = timeAdded
    }
}

/// `v1.Toleration` on a pod.
public struct Toleration: Codable, Sendable, Equatable {
    public var key: String?
    /// `Exists` or `Equal` (the default when absent).
    public var `operator`: String?
    public var value: String?
    /// Empty or absent tolerates every effect.
    public var effect: String?
    public var tolerationSeconds: Int?

    public init(
        key: String? = nil, operator: String? = nil, value: String? = nil, effect: String? = nil,
        tolerationSeconds: Int? = nil
    ) {
        self.key = key
        self.operator = `operator`
        self.value = value
        self.effect = effect
        self.tolerationSeconds = tolerationSeconds
    }

    /// Kubernetes' `ToleratesTaint`: an empty key with `Exists` tolerates every taint.
    public func tolerates(_ taint: Taint) -> Bool {
        if let effect, !effect.isEmpty, effect != taint.effect { return false }
        if let key, !key.isEmpty, key != taint.key ?? "" { return false }
        switch `operator` ?? "Equal" {
        case "Exists": return true
        case "Equal", "": return (value ?? "") == (taint.value ?? "")
        default: return false
        }
    }
}

/// `v1.Affinity`. Pod (anti-)affinity is kept opaque: the agent never schedules by it.
public struct Affinity: Codable, Sendable, Equatable {
    public var nodeAffinity: NodeAffinity?
    public var podAffinity: JSONValue?
    public var podAntiAffinity: JSONValue?

    public init(nodeAffinity: NodeAffinity? = nil, podAffinity: JSONValue? = nil, podAntiAffinity: JSONValue? = nil) {
        self.nodeAffinity = nodeAffinity
        self.podAffinity = podAffinity
        self.podAntiAffinity = podAntiAffinity
    }
}

public struct NodeAffinity: Codable, Sendable, Equatable {
    public var requiredDuringSchedulingIgnoredDuringExecution: NodeSelector?
    public var preferredDuringSchedulingIgnoredDuringExecution: [PreferredSchedulingTerm]?

    public init(
        requiredDuringSchedulingIgnoredDuringExecution: NodeSelector? = nil,
        preferredDuringSchedulingIgnoredDuringExecution: [PreferredSchedulingTerm]? = nil
    ) {
        self.requiredDuringSchedulingIgnoredDuringExecution = requiredDuringSchedulingIgnoredDuringExecution
        self.preferredDuringSchedulingIgnoredDuringExecution = preferredDuringSchedulingIgnoredDuringExecution
    }
}

/// `v1.NodeSelector`: the terms are ORed.
public struct NodeSelector: Codable, Sendable, Equatable {
    public var nodeSelectorTerms: [NodeSelectorTerm]?

    public init(nodeSelectorTerms: [NodeSelectorTerm]? = nil) {
        self.nodeSelectorTerms = nodeSelectorTerms
    }

    /// Whether a node with these labels and name satisfies some term.
    public func matches(labels: [String: String], nodeName: String) -> Bool {
        (nodeSelectorTerms ?? []).contains { $0.matches(labels: labels, nodeName: nodeName) }
    }
}

/// `v1.NodeSelectorTerm`: every requirement must hold; a term with none matches nothing.
public struct NodeSelectorTerm: Codable, Sendable, Equatable {
    public var matchExpressions: [NodeSelectorRequirement]?
    /// Only the field `metadata.name` is supported, as in Kubernetes.
    public var matchFields: [NodeSelectorRequirement]?

    public init(matchExpressions: [NodeSelectorRequirement]? = nil, matchFields: [NodeSelectorRequirement]? = nil) {
        self.matchExpressions = matchExpressions
        self.matchFields = matchFields
    }

    public func matches(labels: [String: String], nodeName: String) -> Bool {
        let expressions = matchExpressions ?? []
        let fields = matchFields ?? []
        guard !expressions.isEmpty || !fields.isEmpty else { return false }
        return expressions.allSatisfy { $0.matches(labels) }
            && fields.allSatisfy { $0.key == "metadata.name" && $0.matches(["metadata.name": nodeName]) }
    }
}

/// `v1.NodeSelectorRequirement`: like a label requirement, plus `Gt`/`Lt` on integer values.
public struct NodeSelectorRequirement: Codable, Sendable, Equatable {
    public var key: String?
    public var `operator`: SelectorOperator?
    public var values: [String]?

    public init(key: String? = nil, operator: SelectorOperator? = nil, values: [String]? = nil) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }

    public func matches(_ labels: [String: String]) -> Bool {
        switch `operator` ?? "" {
        case .greaterThan, .lessThan:
            // Exactly one integer value, compared with the label parsed as an integer.
            guard let key, let values, values.count == 1, let bound = Int64(values[0]),
                let label = labels[key], let actual = Int64(label)
            else { return false }
            return `operator` == .greaterThan ? actual > bound : actual < bound
        default:
            return LabelSelectorRequirement(key: key, operator: `operator`, values: values).matches(labels: labels)
        }
    }
}

public struct PreferredSchedulingTerm: Codable, Sendable, Equatable {
    /// 1–100.
    public var weight: Int?
    public var preference: NodeSelectorTerm?

    public init(weight: Int? = nil, preference: NodeSelectorTerm? = nil) {
        self.weight = weight
        self.preference = preference
    }
}
