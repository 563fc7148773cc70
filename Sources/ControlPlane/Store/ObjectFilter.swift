import Kube

/// What a list or watch asks for: a namespace, a label selector and a field selector.
struct ObjectFilter: Sendable {
    var namespace: String?
    var labels: LabelSelectorExpression?
    var fields: [(path: String, value: String, equal: Bool)] = []

    func matches(_ object: JSONValue) -> Bool {
        let metadata = object["metadata"]
        if let namespace, metadata?["namespace"]?.stringValue ?? "" != namespace { return false }
        if let labels, !labels.matches(object.labels) { return false }
        for field in fields where (Self.fieldValue(object, field.path) == field.value) != field.equal { return false }
        return true
    }

    /// A field's value as field selectors compare it: absent is "", booleans are "true"/"false".
    static func fieldValue(_ object: JSONValue, _ path: String) -> String {
        // Walked without splitting into an array: this runs for every event and every watcher.
        var current: JSONValue? = object
        var rest = path[...]
        while let dot = rest.firstIndex(of: ".") {
            current = current?[String(rest[..<dot])]
            rest = rest[rest.index(after: dot)...]
        }
        current = current?[String(rest)]
        switch current {
        case .string(let text)?: return text
        case .bool(let flag)?: return flag ? "true" : "false"
        case .integer(let number)?: return String(number)
        default: return ""
        }
    }

    /// The fields each kind can be selected by (beyond metadata.name and metadata.namespace).
    static let selectableFields: [String: Set<String>] = [
        "Pod": [
            "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase",
            "status.podIP", "status.nominatedNodeName",
        ],
        "Node": ["spec.unschedulable"],
        "Event": [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
            "reportingComponent", "source", "type",
        ],
        "Secret": ["type"],
        "Namespace": ["status.phase"],
        "ReplicaSet": ["status.replicas"],
        "Job": ["status.successful"],
    ]

    /// Parses `a=b,c!=d` for `kind`; unsupported fields are a 400 like the apiserver's.
    static func parseFields(_ text: String, kind: String) throws(APIError) -> [(path: String, value: String, equal: Bool)] {
        var result: [(path: String, value: String, equal: Bool)] = []
        for term in text.split(separator: ",", omittingEmptySubsequences: true) {
            let (path, value, equal): (Substring, Substring, Bool)
            if let range = term.range(of: "!=") {
                (path, value, equal) = (term[..<range.lowerBound], term[range.upperBound...], false)
            } else if let range = term.range(of: "==") ?? term.range(of: "=") {
                (path, value, equal) = (term[..<range.lowerBound], term[range.upperBound...], true)
            } else {
                throw APIError.badRequest("invalid selector: '\(text)'; can't understand '\(term)'")
            }
            let field = path.trimmingSpaces
            let allowed = field == "metadata.name" || field == "metadata.namespace"
                || selectableFields[kind]?.contains(field) == true
            guard allowed else { throw APIError.badRequest("field label not supported: \(field)") }
            result.append((field, value.trimmingSpaces, equal))
        }
        return result
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
