import Kube

/// One entry of a MutatingWebhookConfiguration's `webhooks`, with the defaults of the
/// configuration's version filled in, and whether it applies to a request (the apiserver's rule,
/// namespace and object matchers). `matchPolicy` is treated as Exact and `reinvocationPolicy` as
/// Never: a webhook is called at most once per request.
struct MutatingWebhook: Sendable {
    struct Rule: Sendable {
        var operations: [String]
        var apiGroups: [String]
        var apiVersions: [String]
        var resources: [String]
        /// `*`, `Namespaced` or `Cluster`.
        var scope: String
    }

    var name: String
    var clientConfig: JSONValue
    var rules: [Rule]
    /// `failurePolicy: Ignore`: a failed call skips the webhook (it never covers a bad patch).
    var ignoreFailures: Bool
    var namespaceSelector: JSONValue?
    var objectSelector: JSONValue?
    var sideEffects: String
    var timeoutSeconds: Int
    var reviewVersions: [String]

    /// `entry` as stored; `configurationVersion` is the configuration's apiVersion (v1beta1 defaults differ).
    init(_ entry: JSONValue, configurationVersion: String) {
        let beta = configurationVersion.hasSuffix("/v1beta1")
        name = entry["name"]?.stringValue ?? ""
        clientConfig = entry["clientConfig"] ?? .object([:])
        rules = (entry["rules"]?.arrayValue ?? []).map { rule in
            func strings(_ key: String) -> [String] { rule[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
            return Rule(
                operations: strings("operations"), apiGroups: strings("apiGroups"), apiVersions: strings("apiVersions"),
                resources: strings("resources"), scope: rule["scope"]?.stringValue ?? "*")
        }
        ignoreFailures = (entry["failurePolicy"]?.stringValue ?? (beta ? "Ignore" : "Fail")) == "Ignore"
        namespaceSelector = entry["namespaceSelector"]
        objectSelector = entry["objectSelector"]
        sideEffects = entry["sideEffects"]?.stringValue ?? "Unknown"
        // The API validates 1...30; a zero would mean no limit at all to the HTTP client.
        timeoutSeconds = Int(min(max(entry["timeoutSeconds"]?.int64Value ?? (beta ? 30 : 10), 1), 30))
        reviewVersions = entry["admissionReviewVersions"]?.arrayValue?.compactMap(\.stringValue) ?? (beta ? ["v1beta1"] : [])
    }

    /// The first AdmissionReview version the webhook accepts that we can send.
    var reviewVersion: String? { reviewVersions.first { $0 == "v1" || $0 == "v1beta1" } }

    // MARK: Matching

    /// Some rule names the operation, group, version, resource (and subresource) and scope.
    func matchesRules(_ request: AdmissionAttributes) -> Bool {
        rules.contains { rule in
            Self.listed(request.operation, in: rule.operations) && Self.listed(request.type.group, in: rule.apiGroups)
                && Self.listed(request.type.version, in: rule.apiVersions)
                && rule.resources.contains { Self.resourceMatches($0, request) }
                && Self.scopeMatches(rule.scope, request)
        }
    }

    private static func listed(_ value: String, in list: [String]) -> Bool { list.contains("*") || list.contains(value) }

    /// `pods` is the main resource only, `pods/status` one subresource, `pods/*` every one,
    /// `*` every main resource, `*/*` everything.
    private static func resourceMatches(_ pattern: String, _ request: AdmissionAttributes) -> Bool {
        let parts = pattern.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let resource = String(parts[0])
        let subresource = parts.count > 1 ? String(parts[1]) : ""
        return (resource == "*" || resource == request.type.resource)
            && (subresource == "*" || subresource == (request.subresource ?? ""))
    }

    /// Namespace objects count as cluster-scoped.
    private static func scopeMatches(_ scope: String, _ request: AdmissionAttributes) -> Bool {
        let clusterScoped = request.type.resource == "namespaces" || (request.namespace ?? "").isEmpty
        switch scope {
        case "Namespaced": return !clusterScoped
        case "Cluster": return clusterScoped
        default: return true
        }
    }

    /// The labels of the object, or of the old object (a DELETE has no object), satisfy `objectSelector`.
    func matchesObject(_ request: AdmissionAttributes) -> Bool {
        guard let selector = LabelSelector(json: objectSelector), !selector.isEmpty else { return true }
        return [request.object, request.oldObject].contains { object in
            guard let object, object.objectValue != nil else { return false }
            return selector.matches(labels: object.labels)
        }
    }

    /// Whether `namespaceSelector` needs the namespace's labels for this request: never for
    /// cluster-scoped resources other than namespaces, nor for an empty selector.
    func needsNamespaceLabels(_ request: AdmissionAttributes) -> Bool {
        guard let selector = LabelSelector(json: namespaceSelector), !selector.isEmpty else { return false }
        return !(request.namespace ?? "").isEmpty || request.type.resource == "namespaces"
    }

    func matchesNamespace(labels: [String: String]) -> Bool {
        LabelSelector(json: namespaceSelector)?.matches(labels: labels) ?? true
    }
}
