import HTTP
import Kube
import Loop

extension APIServer {
    func create(_ context: RequestContext) async throws(APIError) -> HTTPResponse {
        let type = context.type
        var object = try await decodeBody(context)
        try TimeFields.normalize(&object, type)
        var metadata = object["metadata"] ?? .object([:])
        try Self.placeInRequestNamespace(&metadata, context)
        let generateName = metadata["generateName"]?.stringValue ?? ""
        let causes = ObjectMetaRules.validate(metadata, nameRequired: generateName.isEmpty) + KindRules.validate(object, type)
        guard causes.isEmpty else { throw APIError.invalid(type, metadata["name"]?.stringValue ?? "", causes: causes) }
        try requireActiveNamespace(context)
        // Admission sees the object before the server stamps it (creationTimestamp null, no uid).
        for key in ["selfLink", "uid", "resourceVersion", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields"] {
            metadata[key] = nil
        }
        metadata["creationTimestamp"] = .null
        object["metadata"] = ObjectMetaRules.canonical(metadata)
        Strategy.prepareForCreate(&object, type)
        if type.resource == "pods" {
            PodDefaults.apply(to: &object, tokenSecret: tokenSecretName(namespace: context.namespace ?? "", pod: object))
        }
        let admitted = try await admit(object, old: nil, operation: "CREATE", context: context)
        if admitted != object {
            object = try checkAdmittedCreate(admitted, requested: object, context)
            // The apiserver defaults a patched object again.
            if type.resource == "pods" {
                PodDefaults.apply(to: &object, tokenSecret: tokenSecretName(namespace: context.namespace ?? "", pod: object))
            }
        }
        metadata = object["metadata"] ?? .object([:])
        if metadata["name"]?.stringValue?.isEmpty ?? true, let prefix = metadata["generateName"]?.stringValue, !prefix.isEmpty {
            metadata["name"] = .string(prefix + ObjectMetaRules.randomSuffix())
        }
        let name = metadata["name"]?.stringValue ?? ""
        let final = ObjectMetaRules.validate(metadata)
        guard final.isEmpty else { throw APIError.invalid(type, name, causes: final) }
        stampNew(&metadata, type, name: name)
        object["metadata"] = ObjectMetaRules.canonical(metadata)
        try validateCustom(&object, type, name: name)
        let key = context.key(name)
        guard store.get(type.storageKey, key) == nil else { throw APIError.alreadyExists(type, name) }
        if context.dryRun { return Self.ok(object, status: .created) }
        let stored = store.write(type.storageKey, key, object)
        afterWrite(type, key: key, old: nil, new: stored.object)
        return .json(stored.body(as: type.groupVersion), status: .created)
    }

    func update(_ context: RequestContext) async throws(APIError) -> HTTPResponse {
        let object = try await decodeBody(context)
        let name = context.info.name ?? ""
        if let given = object["metadata"]?["name"]?.stringValue, given != name {
            throw APIError.badRequest("the name of the object (\(given)) does not match the name on the URL (\(name))")
        }
        return try await commitUpdate(context, object)
    }

    func patch(_ context: RequestContext) async throws(APIError) -> HTTPResponse {
        let type = context.type
        let name = context.info.name ?? ""
        guard let current = store.get(type.storageKey, context.key(name)) else { throw APIError.notFound(type, name) }
        let contentType = mediaType(context.request.headers["Content-Type"]).map(String.init) ?? ""
        let patchTypes = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"]
        guard patchTypes.contains(contentType) else { throw APIError.unsupportedMediaType }
        let patch: JSONValue
        do { patch = try JSONValue(parsing: context.request.body) } catch {
            throw APIError.badRequest("error decoding patch: \(error.message)")
        }
        // Custom resources take no strategic merge patch (415), as in 1.19.
        var patched = try Self.applyPatch(
            patch, contentType: contentType, to: current.served(as: type.groupVersion), strategicKind: type.isCustom ? nil : type.kind)
        patched = try Self.storageForm(patched, type)
        // A patch without a resourceVersion applies to whatever is stored.
        if patch["metadata"]?["resourceVersion"] == nil { patched["metadata"]?["resourceVersion"] = nil }
        return try await commitUpdate(context, patched)
    }

    /// A JSON, merge or strategic merge patch applied to `target`; `strategicKind` nil refuses
    /// strategic merge (415), "" applies it as a merge patch (a type without patch strategies).
    static func applyPatch(_ patch: JSONValue, contentType: String, to target: JSONValue, strategicKind: String?)
        throws(APIError) -> JSONValue
    {
        switch (contentType, strategicKind) {
        case ("application/json-patch+json", _):
            do { return try JSONPatch.apply(try JSONPatch.parse(patch), to: target) } catch {
                throw APIError(code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request", details: .object([:]))
            }
        case ("application/merge-patch+json", _), ("application/strategic-merge-patch+json", ""?):
            return MergePatch.apply(patch, to: target)
        case ("application/strategic-merge-patch+json", let kind?):
            do { return try StrategicMergePatch.apply(patch, to: target, kind: kind) } catch {
                throw APIError(code: 422, reason: "Invalid", message: "\(error)")
            }
        default:
            throw APIError.unsupportedMediaType
        }
    }

    /// The shared end of PUT and PATCH: preconditions, immutable fields, strategy, no-op detection.
    private func commitUpdate(_ context: RequestContext, _ object: JSONValue) async throws(APIError) -> HTTPResponse {
        let type = context.type
        let name = context.info.name ?? ""
        let key = context.key(name)
        guard let old = store.get(type.storageKey, key) else { throw APIError.notFound(type, name) }
        var new = object
        try TimeFields.normalize(&new, type)
        new["kind"] = .string(type.kind)
        new["apiVersion"] = old["apiVersion"]
        var metadata = new["metadata"] ?? .object([:])
        if let version = metadata["resourceVersion"]?.stringValue, !version.isEmpty,
            version != old["metadata"]?["resourceVersion"]?.stringValue
        {
            throw APIError.conflict(type, name)
        }
        if let uid = metadata["uid"]?.stringValue, !uid.isEmpty, uid != old["metadata"]?["uid"]?.stringValue {
            throw APIError.invalid(
                type, name, causes: [("metadata.uid", "FieldValueInvalid", "Invalid value: \"\(uid)\": field is immutable")])
        }
        new = try await admitUpdate(new, old: old, context)
        metadata = new["metadata"] ?? .object([:])
        // The webhooks may have taken a while: the update applies to the object they saw, or not at all.
        guard let current = store.get(type.storageKey, key) else { throw APIError.notFound(type, name) }
        guard current["metadata"]?["resourceVersion"] == old["metadata"]?["resourceVersion"] else {
            throw APIError.conflict(type, name)
        }
        for field in ["name", "namespace", "uid", "selfLink", "creationTimestamp", "generation", "deletionTimestamp",
            "deletionGracePeriodSeconds", "resourceVersion"]
        {
            metadata[field] = old["metadata"]?[field]
        }
        let causes = ObjectMetaRules.validate(metadata) + KindRules.validate(new, type)
        guard causes.isEmpty else { throw APIError.invalid(type, name, causes: causes) }
        new["metadata"] = ObjectMetaRules.canonical(metadata)
        Strategy.prepareForUpdate(&new, old: old, type, subresource: context.info.subresource)
        try validateCustom(&new, type, name: name)
        if new == old || context.dryRun { return Self.ok(new.served(as: type.groupVersion)) }
        // An object being deleted goes once its last finalizer is removed.
        if old["metadata"]?["deletionTimestamp"] != nil, new["metadata"]?["finalizers"]?.arrayValue?.isEmpty ?? true,
            type.resource != "pods"
        {
            let last = store.remove(type.storageKey, key) ?? new
            afterWrite(type, key: key, old: old, new: nil)
            return Self.ok(last.served(as: type.groupVersion))
        }
        let stored = store.write(type.storageKey, key, new)
        afterWrite(type, key: key, old: old, new: stored.object)
        return .json(stored.body(as: type.groupVersion))
    }

    /// The request body as an object of the addressed kind, or a 400 worded as the apiserver's.
    /// A large body is decoded on another thread, so the loop serves other requests meanwhile.
    func decodeBody(_ context: RequestContext) async throws(APIError) -> JSONValue {
        let type = context.type
        let body = context.request.body
        let contentType = mediaType(context.request.headers["Content-Type"]).map(String.init) ?? "application/json"
        guard body.count >= 1024 else { return try Self.decodeBody(body, contentType: contentType, type) }
        return try await offLoop { () throws(APIError) in try Self.decodeBody(body, contentType: contentType, type) }
    }

    private nonisolated static func decodeBody(_ body: [UInt8], contentType: String, _ type: ResourceType) throws(APIError) -> JSONValue {
        var object: JSONValue
        if KubeProtobuf.isProtobuf(contentType: contentType) {
            do { object = try KubeProtobuf.decode(body) } catch {
                throw APIError.badRequest("the object provided is unrecognized (must be of type \(type.kind)): \(error.description)")
            }
        } else {
            guard contentType == "application/json" else { throw APIError.unsupportedMediaType }
            do { object = try JSONValue(parsing: body) } catch {
                let excerpt = String(decoding: body.prefix(30), as: UTF8.self)
                throw APIError.badRequest(
                    "the object provided is unrecognized (must be of type \(type.kind)): couldn't get version/kind; json parse error: \(error.message) (\(excerpt) ...)")
            }
        }
        guard object.objectValue != nil else {
            throw APIError.badRequest("the object provided is unrecognized (must be of type \(type.kind)): couldn't get version/kind; json parse error: expected an object")
        }
        let kind = object["kind"]?.stringValue ?? type.kind
        let apiVersion = object["apiVersion"]?.stringValue ?? type.groupVersion
        if kind != type.kind {
            throw APIError.badRequest(
                "\(kind) in version \"\(apiVersion.split(separator: "/").last ?? "")\" cannot be handled as a \(type.kind): converting (\(apiVersion.split(separator: "/").last ?? "").\(kind)) to (core.\(type.kind)): unknown conversion")
        }
        // Typed objects begin with kind and apiVersion, as the apiserver writes them.
        var ordered: JSONValue = ["kind": .string(type.kind), "apiVersion": .string(type.groupVersion)]
        for (key, value) in object.objectValue ?? JSONObject() where key != "kind" && key != "apiVersion" { ordered[key] = value }
        if ordered["metadata"] == nil { ordered["metadata"] = .object([:]) }
        return try Self.storageForm(ordered, type)
    }

    /// events.k8s.io Events are stored as core Events; 1.19 requires their eventTime.
    nonisolated static func storageForm(_ object: JSONValue, _ type: ResourceType) throws(APIError) -> JSONValue {
        guard type.group == "events.k8s.io" else { return object }
        if object["eventTime"] == nil || object["eventTime"] == .null {
            let name = object["metadata"]?["name"]?.stringValue ?? ""
            throw APIError(
                code: 422, reason: "Invalid", message: "Event \"\(name)\" is invalid: eventTime: Required value",
                details: [
                    "name": .string(name), "kind": "Event",
                    "causes": [["reason": "FieldValueRequired", "message": "Required value", "field": "eventTime"]],
                ])
        }
        return EventConversion.toCore(object)
    }

    /// A custom resource is pruned and checked against its CRD's schema, and stored with sorted keys.
    private func validateCustom(_ object: inout JSONValue, _ type: ResourceType, name: String) throws(APIError) {
        guard type.isCustom else { return }
        guard let schema = customSchema(type) else { object = object.sortedKeys; return }
        let causes = SchemaValidation.apply(schema, to: &object)
        guard causes.isEmpty else { throw APIError.invalid(type, name, causes: causes) }
    }

    /// NamespaceLifecycle: no new objects in a missing or terminating namespace.
    func requireActiveNamespace(_ context: RequestContext) throws(APIError) {
        guard let namespace = context.namespace else { return }
        let namespaces = registry.lookup(group: "", version: "v1", resource: "namespaces")!
        guard let object = store.get("namespaces", ObjectKey(namespace: "", name: namespace)) else {
            throw APIError.notFound(namespaces, namespace)
        }
        if object["status"]?["phase"]?.stringValue == "Terminating" {
            throw APIError(
                code: 403, reason: "Forbidden",
                message: "\(context.type.qualifiedName) \"\(context.info.name ?? "")\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated",
                details: ["name": .string(context.info.name ?? ""), "kind": .string(context.type.resource)])
        }
    }

    /// The token secret of the pod's service account, for the token volume.
    func tokenSecretName(namespace: String, pod: JSONValue) -> String? {
        let account = pod["spec"]?["serviceAccountName"]?.stringValue ?? "default"
        let object = store.get("serviceaccounts", ObjectKey(namespace: namespace, name: account))
        return object?["secrets"]?[0]?["name"]?.stringValue
    }
}
