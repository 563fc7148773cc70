import Kube

/// What admission sees of one write (the apiserver's `admission.Attributes`): the operation, the
/// addressed resource, the objects, the options and the user.
struct AdmissionAttributes: Sendable {
    var operation: String
    var type: ResourceType
    var subresource: String?
    /// Absent on a CREATE of an object that only has a `generateName` (fixture 08-admission-04).
    var name: String?
    var namespace: String?
    var object: JSONValue?
    var oldObject: JSONValue?
    var dryRun: Bool
    var fieldManager: String?
    var identity: Identity

    init(operation: String, object: JSONValue?, oldObject: JSONValue?, context: RequestContext) {
        self.operation = operation
        type = context.type
        subresource = context.info.subresource
        if operation == "CREATE", subresource == nil {
            name = object?["metadata"]?["name"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } else {
            name = context.info.name
        }
        // A namespace is addressed by its own name, as the apiserver's request info does.
        namespace = type.resource == "namespaces" ? context.info.name : context.namespace
        self.object = object
        self.oldObject = oldObject
        dryRun = context.dryRun
        fieldManager = context.query["fieldManager"].flatMap { $0.isEmpty ? nil : $0 }
        identity = context.identity
    }

    /// `CreateOptions` / `UpdateOptions` / `DeleteOptions` as `request.options` carries them.
    var options: JSONValue {
        let kind = ["CREATE": "CreateOptions", "UPDATE": "UpdateOptions", "DELETE": "DeleteOptions"][operation] ?? "CreateOptions"
        var options: JSONValue = ["kind": .string(kind), "apiVersion": "meta.k8s.io/v1"]
        if dryRun { options["dryRun"] = ["All"] }
        if let fieldManager, operation != "DELETE" { options["fieldManager"] = .string(fieldManager) }
        return options
    }

    /// The AdmissionReview body for `version` (`v1` or `v1beta1`, same shape), keys in the order the
    /// apiserver writes them (fixtures 08-admission-04/06); `uid` identifies this call.
    func review(version: String, uid: String) -> JSONValue {
        let kind: JSONValue = ["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)]
        let resource: JSONValue = [
            "group": .string(type.group), "version": .string(type.version), "resource": .string(type.resource),
        ]
        var request: JSONValue = ["uid": .string(uid), "kind": kind, "resource": resource]
        if let subresource { request["subResource"] = .string(subresource) }
        request["requestKind"] = kind
        request["requestResource"] = resource
        if let subresource { request["requestSubResource"] = .string(subresource) }
        if let name { request["name"] = .string(name) }
        if let namespace, !namespace.isEmpty { request["namespace"] = .string(namespace) }
        request["operation"] = .string(operation)
        var userInfo: JSONValue = ["username": .string(identity.user)]
        if !identity.groups.isEmpty { userInfo["groups"] = .array(identity.groups.map { .string($0) }) }
        request["userInfo"] = userInfo
        request["object"] = object ?? .null
        request["oldObject"] = oldObject ?? .null
        request["dryRun"] = .bool(dryRun)
        request["options"] = options
        return ["kind": "AdmissionReview", "apiVersion": .string("admission.k8s.io/\(version)"), "request": request]
    }
}
