import Kube

/// Per-resource write rules: which parts a write may change, what a create resets, what bumps
/// `metadata.generation`.
enum Strategy {
    /// Resources whose spec changes bump `metadata.generation`.
    static func tracksGeneration(_ type: ResourceType) -> Bool {
        type.isCustom || ["apps", "batch", "policy", "apiextensions.k8s.io", "admissionregistration.k8s.io"].contains(type.group)
    }

    /// Resources whose status only the `/status` subresource writes (nodes excepted: a kubelet
    /// registers its node with a status).
    static func hasStatusSubresource(_ type: ResourceType) -> Bool {
        type.subresources.contains("status") && type.resource != "nodes" && type.resource != "namespaces"
    }

    /// Drops status a create may not set and fills in what the server owns.
    static func prepareForCreate(_ object: inout JSONValue, _ type: ResourceType) {
        if hasStatusSubresource(type), type.resource != "pods" {
            object["status"] = type.resource == "services" ? ["loadBalancer": .object([:])] : nil
        }
        if type.resource == "namespaces" {
            var spec = object["spec"] ?? .object([:])
            if spec["finalizers"] == nil { spec["finalizers"] = ["kubernetes"] }
            object["spec"] = spec
            object["status"] = ["phase": "Active"]
        }
        if type.resource == "nodes" {
            // TaintNodesByCondition: a new node is not-ready until the lifecycle controller says so.
            var taints = object["spec"]?["taints"]?.arrayValue ?? []
            if !taints.contains(where: { $0["key"]?.stringValue == "node.kubernetes.io/not-ready" }) {
                taints.append(["key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"])
            }
            if object["spec"] == nil { object["spec"] = .object([:]) }
            object["spec"]?["taints"] = .array(taints)
        }
    }

    /// Merges an update into the stored object: the main resource keeps the stored status, `/status`
    /// keeps the stored spec (pods keep metadata changes, as 1.19 does).
    static func prepareForUpdate(_ new: inout JSONValue, old: JSONValue, _ type: ResourceType, subresource: String?) {
        if subresource == "status" {
            var merged = old
            merged["status"] = new["status"]
            merged["metadata"] = new["metadata"]
            new = merged
        } else if hasStatusSubresource(type) {
            new["status"] = old["status"]
        }
        if tracksGeneration(type), Self.spec(of: new) != Self.spec(of: old) {
            let generation = old["metadata"]?["generation"]?.int64Value ?? 1
            new["metadata"]?["generation"] = .integer(generation + 1)
        }
    }

    /// Everything but metadata and status.
    private static func spec(of object: JSONValue) -> JSONValue {
        var copy = object
        copy["metadata"] = nil
        copy["status"] = nil
        return copy
    }
}
