import Kube

/// Where writes meet mutating admission (Admission/MutatingWebhooks.swift): what a webhook may
/// change of the object it is shown.
extension APIServer {
    static let namespaceMismatch = "the namespace of the provided object does not match the namespace sent on the request"

    /// The namespace of a created object is the URL's: a different one in the body is a 400.
    static func placeInRequestNamespace(_ metadata: inout JSONValue, _ context: RequestContext) throws(APIError) {
        if let namespace = context.namespace {
            if let given = metadata["namespace"]?.stringValue, !given.isEmpty, given != namespace {
                throw APIError.badRequest(namespaceMismatch)
            }
            metadata["namespace"] = .string(namespace)
        } else {
            metadata["namespace"] = nil
        }
    }

    /// What the server sets on every new object: selfLink, uid, creationTimestamp, generation.
    func stampNew(_ metadata: inout JSONValue, _ type: ResourceType, name: String) {
        let namespace = metadata["namespace"]?.stringValue
        // Stored objects carry their storage form's selfLink (events.k8s.io Events are core Events).
        let collection = type.storageKey == "events" ? "/api/v1/namespaces/\(namespace ?? "")/events" : type.path(namespace: type.namespaced ? namespace : nil)
        metadata["selfLink"] = .string(collection + "/" + name)
        metadata["uid"] = .string(ObjectMetaRules.newUID())
        metadata["creationTimestamp"] = .string(configuration.now().rfc3339)
        if Strategy.tracksGeneration(type) { metadata["generation"] = 1 }
    }

    /// The object mutating webhooks returned for a create: kind and apiVersion stay, the namespace
    /// must still be the request's, and a name the client gave may not change.
    func checkAdmittedCreate(_ admitted: JSONValue, requested: JSONValue, _ context: RequestContext) throws(APIError)
        -> JSONValue
    {
        var object = admitted
        object["kind"] = requested["kind"]
        object["apiVersion"] = requested["apiVersion"]
        var metadata = object["metadata"] ?? .object([:])
        try Self.placeInRequestNamespace(&metadata, context)
        let name = requested["metadata"]?["name"]?.stringValue ?? ""
        let now = metadata["name"]?.stringValue ?? ""
        if !name.isEmpty, now != name {
            throw APIError.badRequest("admission webhooks may not change metadata.name (from \"\(name)\" to \"\(now)\")")
        }
        object["metadata"] = metadata
        return object
    }

    /// Runs mutating admission over an update: the webhooks see the object as sent and the stored
    /// one, in the version the request addressed; they may not change the name or namespace.
    func admitUpdate(_ new: JSONValue, old: JSONValue, _ context: RequestContext) async throws(APIError) -> JSONValue {
        let type = context.type
        let served = new.served(as: type.groupVersion)
        let admitted = try await admit(served, old: old.served(as: type.groupVersion), operation: "UPDATE", context: context)
        guard admitted != served else { return new }
        var object = admitted
        object["kind"] = .string(type.kind)
        object["apiVersion"] = old["apiVersion"]
        for field in type.namespaced ? ["name", "namespace"] : ["name"] {
            let value = object["metadata"]?[field]?.stringValue ?? ""
            guard value.isEmpty || value == old["metadata"]?[field]?.stringValue else {
                throw APIError.invalid(
                    type, context.info.name ?? "",
                    causes: [("metadata.\(field)", "FieldValueInvalid", "Invalid value: \"\(value)\": field is immutable")])
            }
        }
        return object
    }
}
