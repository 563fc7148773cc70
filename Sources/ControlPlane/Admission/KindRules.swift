import Kube

/// Field rules of particular kinds, worded as the apiserver's validation.
enum KindRules {
    typealias Cause = (field: String, reason: String, message: String)

    static func validate(_ object: JSONValue, _ type: ResourceType) -> [Cause] {
        guard !type.isCustom else { return [] }
        switch type.kind {
        case "Node": return taints(object["spec"]?["taints"], field: "metadata.taints")
        case "Pod":
            var causes: [Cause] = []
            let containers = object["spec"]?["containers"]?.arrayValue ?? []
            if containers.isEmpty { causes.append(("spec.containers", "FieldValueRequired", "Required value")) }
            for (index, container) in containers.enumerated() {
                if container["name"]?.stringValue?.isEmpty ?? true {
                    causes.append(("spec.containers[\(index)].name", "FieldValueRequired", "Required value"))
                }
                if container["image"]?.stringValue?.isEmpty ?? true {
                    causes.append(("spec.containers[\(index)].image", "FieldValueRequired", "Required value"))
                }
            }
            return causes
        default: return []
        }
    }

    static let effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"]

    /// 1.19 reports node taint errors under `metadata.taints` (fixture 02-nodes-15).
    private static func taints(_ value: JSONValue?, field: String) -> [Cause] {
        var causes: [Cause] = []
        for (index, taint) in (value?.arrayValue ?? []).enumerated() {
            let effect = taint["effect"]?.stringValue ?? ""
            if !effects.contains(effect) {
                let supported = effects.map { "\"\($0)\"" }.joined(separator: ", ")
                causes.append(("\(field)[\(index)].effect", "FieldValueNotSupported", "Unsupported value: \"\(effect)\": supported values: \(supported)"))
            }
        }
        return causes
    }
}
