/// A selector operator (`In`, `NotIn`, `Exists`, `DoesNotExist`, and for node selectors `Gt`,
/// `Lt`). A string wrapper rather than an enum so an operator from a newer API still decodes;
/// matching treats an unknown one as matching nothing, as Kubernetes rejects it.
public struct SelectorOperator: RawRepresentable, Codable, Sendable, Hashable, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let `in`: SelectorOperator = "In"
    public static let notIn: SelectorOperator = "NotIn"
    public static let exists: SelectorOperator = "Exists"
    public static let doesNotExist: SelectorOperator = "DoesNotExist"
    public static let greaterThan: SelectorOperator = "Gt"
    public static let lessThan: SelectorOperator = "Lt"
}

/// `metav1.LabelSelector`: `matchLabels` and `matchExpressions`, all of which must hold.
public struct LabelSelector: Codable, Sendable, Equatable {
    public var matchLabels: [String: String]?
    public var matchExpressions: [LabelSelectorRequirement]?

    public init(matchLabels: [String: String]? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// Kubernetes' `LabelSelectorAsSelector(...).Matches`: an empty selector matches everything
    /// (a *nil* selector, which callers hold as `LabelSelector?`, matches nothing); an invalid
    /// requirement makes the whole selector match nothing.
    public func matches(labels: [String: String]) -> Bool {
        for (key, value) in matchLabels ?? [:] where labels[key] != value { return false }
        for requirement in matchExpressions ?? [] where !requirement.matches(labels: labels) { return false }
        return true
    }
}

/// One `matchExpressions` entry: `key operator values`.
public struct LabelSelectorRequirement: Codable, Sendable, Equatable {
    public var key: String?
    public var `operator`: SelectorOperator?
    public var values: [String]?

    public init(key: String? = nil, operator: SelectorOperator? = nil, values: [String]? = nil) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }

    /// In/NotIn need values, Exists/DoesNotExist none; Gt/Lt are not label-selector operators.
    public func matches(labels: [String: String]) -> Bool {
        let values = values ?? []
        guard let key else { return false }
        switch `operator` ?? "" {
        case .in: return !values.isEmpty && labels[key].map(values.contains) == true
        case .notIn: return !values.isEmpty && labels[key].map(values.contains) != true
        case .exists: return values.isEmpty && labels[key] != nil
        case .doesNotExist: return values.isEmpty && labels[key] == nil
        default: return false
        }
    }
}
