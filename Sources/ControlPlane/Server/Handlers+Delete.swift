import HTTP
import Kube
import Loop

/// DeleteOptions from the body or the query.
struct DeleteRequest {
    var gracePeriodSeconds: Int64?
    var uid: String?
    var resourceVersion: String?
    var propagationPolicy: String?

    init() {}

    init(_ context: RequestContext) throws(APIError) {
        let body = context.request.body
        if !body.isEmpty {
            let options: JSONValue
            do { options = try JSONValue(parsing: body) } catch {
                throw APIError.badRequest("error decoding DeleteOptions: \(error.message)")
            }
            gracePeriodSeconds = options["gracePeriodSeconds"]?.int64Value
            uid = options["preconditions"]?["uid"]?.stringValue
            resourceVersion = options["preconditions"]?["resourceVersion"]?.stringValue
            propagationPolicy = options["propagationPolicy"]?.stringValue
            if options["orphanDependents"]?.boolValue == true { propagationPolicy = "Orphan" }
        }
        if let text = context.query["gracePeriodSeconds"] { gracePeriodSeconds = Int64(text) }
        if let policy = context.query["propagationPolicy"] { propagationPolicy = policy }
    }
}

extension APIServer {
    func delete(_ context: RequestContext) throws(APIError) -> HTTPResponse {
        let type = context.type
        let name = context.info.name ?? ""
        let key = context.key(name)
        guard let current = store.get(type.storageKey, key) else { throw APIError.notFound(type, name) }
        let options = try DeleteRequest(context)
        let metadata = current["metadata"]
        if let uid = options.uid, uid != metadata?["uid"]?.stringValue {
            throw APIError.conflict(
                type, name, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(metadata?["uid"]?.stringValue ?? "")")
        }
        if let version = options.resourceVersion, version != metadata?["resourceVersion"]?.stringValue {
            throw APIError.conflict(
                type, name,
                "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(metadata?["resourceVersion"]?.stringValue ?? "")")
        }
        if context.dryRun { return Self.ok(current.served(as: type.groupVersion)) }
        let result = deleteObject(type, key: key, current: current, options: options)
        switch result {
        case .pending(let object): return Self.ok(object.served(as: type.groupVersion))
        case .removed(let object) where type.resource == "pods" || type.resource == "services":
            return Self.ok(object.served(as: type.groupVersion))
        case .removed(let object):
            var details = APIError.detailsValue(name: name, type: type)
            details["uid"] = object["metadata"]?["uid"]
            return Self.ok(successStatus(details: details))
        }
    }

    func deleteCollection(_ context: RequestContext) throws(APIError) -> HTTPResponse {
        let type = context.type
        let filter = try Self.filter(context)
        let options = try DeleteRequest(context)
        var items: [JSONValue] = []
        for (key, object) in store.list(type.storageKey, namespace: context.namespace) where filter.matches(object) {
            if context.dryRun { items.append(object.droppingTypeMeta); continue }
            switch deleteObject(type, key: key, current: object, options: options) {
            case .pending(let object), .removed(let object): items.append(object.droppingTypeMeta)
            }
        }
        return Self.ok([
            "kind": .string(type.kind + "List"), "apiVersion": .string(type.groupVersion),
            "metadata": ["selfLink": .string(type.path(namespace: context.namespace)), "resourceVersion": .string(String(store.resourceVersion))],
            "items": .array(items),
        ])
    }

    enum DeleteOutcome {
        /// Still stored: graceful pod deletion, finalizers, or foreground propagation.
        case pending(JSONValue)
        case removed(JSONValue)
    }

    /// Deletes at once, or marks the object for deletion when something must happen first.
    func deleteObject(_ type: ResourceType, key: ObjectKey, current: JSONValue, options: DeleteRequest) -> DeleteOutcome {
        var object = current
        var finalizers = object["metadata"]?["finalizers"]?.arrayValue ?? []
        let policy = options.propagationPolicy ?? "Background"
        if policy == "Foreground", !finalizers.contains("foregroundDeletion") { finalizers.append("foregroundDeletion") }
        if policy == "Orphan" { orphanDependents(of: current) }
        let now = configuration.now()
        var grace: Int64 = 0
        if type.resource == "pods", object["spec"]?["nodeName"]?.stringValue?.isEmpty == false {
            grace = options.gracePeriodSeconds ?? object["spec"]?["terminationGracePeriodSeconds"]?.int64Value ?? 30
            if let existing = object["metadata"]?["deletionGracePeriodSeconds"]?.int64Value { grace = min(grace, existing) }
        }
        if type.resource == "namespaces" {
            object["status"]?["phase"] = "Terminating"
        }
        let waits = grace > 0 || !finalizers.isEmpty || type.resource == "namespaces"
        guard waits else {
            let removed = store.remove(type.storageKey, key) ?? current
            afterWrite(type, key: key, old: current, new: nil)
            return .removed(removed)
        }
        if object["metadata"]?["deletionTimestamp"] == nil || type.resource == "pods" {
            object["metadata"]?["deletionTimestamp"] = .string((now + .seconds(grace)).rfc3339)
            object["metadata"]?["deletionGracePeriodSeconds"] = .integer(grace)
        }
        if !finalizers.isEmpty { object["metadata"]?["finalizers"] = .array(finalizers) }
        object["metadata"] = ObjectMetaRules.canonical(object["metadata"] ?? .object([:]))
        guard object != current else { return .pending(current) }
        let stored = store.put(type.storageKey, key, object)
        afterWrite(type, key: key, old: current, new: stored)
        return .pending(stored)
    }

    /// Orphan propagation: dependents lose their owner reference instead of being deleted.
    private func orphanDependents(of owner: JSONValue) {
        guard let uid = owner["metadata"]?["uid"]?.stringValue else { return }
        for dependent in store.dependents(ofUID: uid) {
            guard var updated = store.get(dependent.storageKey, dependent.key),
                let references = updated["metadata"]?["ownerReferences"]?.arrayValue
            else { continue }
            let kept = references.filter { $0["uid"]?.stringValue != uid }
            updated["metadata"]?["ownerReferences"] = kept.isEmpty ? nil : .array(kept)
            store.put(dependent.storageKey, dependent.key, updated)
        }
    }
}
