import HTTP
import Kube
import Loop

extension APIServer {
    func createSubresource(_ context: RequestContext, _ subresource: String) async throws(APIError) -> HTTPResponse {
        switch (context.type.resource, subresource) {
        case ("pods", "binding"): return try bind(context)
        case ("pods", "eviction"): return try evict(context)
        default: throw APIError.methodNotSupported(context.type, context.verb)
        }
    }

    func getSubresource(_ context: RequestContext, _ subresource: String) async throws(APIError) -> HTTPResponse {
        throw APIError.methodNotSupported(context.type, context.verb)
    }

    /// `pods/binding`: assigns the pod to a node, once.
    private func bind(_ context: RequestContext) throws(APIError) -> HTTPResponse {
        let pods = context.type
        let name = context.info.name ?? ""
        let binding: JSONValue
        do { binding = try JSONValue(parsing: context.request.body) } catch {
            throw APIError.badRequest("error decoding Binding: \(error.message)")
        }
        guard let node = binding["target"]?["name"]?.stringValue, !node.isEmpty else {
            throw APIError.invalid(pods, name, causes: [("target.name", "FieldValueRequired", "Required value")])
        }
        try assign(pods, key: context.key(name), to: node)
        return Self.ok(successStatus(code: 201, details: nil), status: .created)
    }

    /// Sets `spec.nodeName` (409 if the pod is already assigned) and PodScheduled=True, as a binding or the scheduler does.
    func assign(_ pods: ResourceType, key: ObjectKey, to node: String) throws(APIError) {
        guard var pod = store.get(pods.storageKey, key) else { throw APIError.notFound(pods, key.name) }
        if let current = pod["spec"]?["nodeName"]?.stringValue, !current.isEmpty {
            var error = APIError.conflict(pods, key.name, "pod \(key.name) is already assigned to node \"\(current)\"")
            error.message = "Operation cannot be fulfilled on pods/binding \"\(key.name)\": pod \(key.name) is already assigned to node \"\(current)\""
            error.details = ["name": .string(key.name), "kind": "pods/binding"]
            throw error
        }
        if pod["metadata"]?["deletionTimestamp"] != nil {
            throw APIError.conflict(pods, key.name, "pod \(key.name) is being deleted, cannot be assigned to a host")
        }
        pod["spec"]?["nodeName"] = .string(node)
        // One write, as the apiserver's binding storage does: the node and PodScheduled=True together.
        _ = pod.setPodScheduled("True", at: configuration.now())
        let old = store.get(pods.storageKey, key)
        let stored = store.put(pods.storageKey, key, pod)
        afterWrite(pods, key: key, old: old, new: stored)
    }

    /// `pods/eviction`: a graceful delete unless a disruption budget forbids it.
    private func evict(_ context: RequestContext) throws(APIError) -> HTTPResponse {
        let pods = context.type
        let name = context.info.name ?? ""
        let key = context.key(name)
        guard let pod = store.get(pods.storageKey, key) else { throw APIError.notFound(pods, name) }
        let eviction: JSONValue
        do { eviction = try JSONValue(parsing: context.request.body) } catch {
            throw APIError.badRequest("error decoding Eviction: \(error.message)")
        }
        // A pod that is not running yet (or any more) can always go.
        let phase = pod["status"]?["phase"]?.stringValue ?? ""
        if phase == "Running" || phase == "Pending" && pod["spec"]?["nodeName"] != nil {
            for (pdbKey, budget) in store.list("policy/poddisruptionbudgets", namespace: key.namespace)
            where Disruption.selects(budget, pod) {
                let status = Disruption.status(budget, pods: store.list(pods.storageKey, namespace: key.namespace).map(\.value))
                guard status.disruptionsAllowed > 0 else {
                    throw APIError(
                        code: 429, reason: "TooManyRequests",
                        message: "Cannot evict pod as it would violate the pod's disruption budget.",
                        details: ["causes": [[
                            "reason": "DisruptionBudget",
                            "message": .string("The disruption budget \(pdbKey.name) needs \(status.desiredHealthy) healthy pods and has \(status.currentHealthy) currently"),
                        ]]])
                }
            }
        }
        var request = try DeleteRequest(context)
        if let grace = eviction["deleteOptions"]?["gracePeriodSeconds"]?.int64Value { request.gracePeriodSeconds = grace }
        _ = deleteObject(pods, key: key, current: pod, options: request)
        return Self.ok(successStatus(code: 201, details: nil), status: .created)
    }
}
