import HTTP
import Kube
import Loop

extension APIServer {
    /// The `scale` subresource as an autoscaling/v1 Scale.
    func scaleObject(_ context: RequestContext) throws(APIError) -> JSONValue {
        let name = context.info.name ?? ""
        guard let object = store.get(context.type.storageKey, context.key(name)) else {
            throw APIError.notFound(context.type, name)
        }
        let metadata = object["metadata"] ?? .object([:])
        var selector: [String] = []
        for (key, value) in object["spec"]?["selector"]?["matchLabels"]?.objectValue ?? JSONObject() {
            selector.append("\(key)=\(value.stringValue ?? "")")
        }
        return [
            "kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": [
                "name": metadata["name"] ?? .null, "namespace": metadata["namespace"] ?? .null,
                "selfLink": .string(context.type.path(namespace: context.namespace) + "/\(name)/scale"),
                "uid": metadata["uid"] ?? .null, "resourceVersion": metadata["resourceVersion"] ?? .null,
                "creationTimestamp": metadata["creationTimestamp"] ?? .null,
            ],
            "spec": ["replicas": object["spec"]?["replicas"] ?? 1],
            "status": [
                "replicas": object["status"]?["replicas"] ?? 0, "selector": .string(selector.sorted().joined(separator: ",")),
            ],
        ]
    }

    /// PUT or PATCH of `scale`: only `spec.replicas` is taken; a stale resourceVersion conflicts.
    func writeScale(_ context: RequestContext) throws(APIError) -> HTTPResponse {
        let current = try scaleObject(context)
        let body: JSONValue
        do { body = try JSONValue(parsing: context.request.body) } catch {
            throw APIError.badRequest("error decoding Scale: \(error.message)")
        }
        var desired: JSONValue
        if context.verb == "patch" {
            let contentType = mediaType(context.request.headers["Content-Type"]).map(String.init) ?? ""
            // Scale has no patch strategies: a strategic merge patch is a merge patch.
            desired = try Self.applyPatch(body, contentType: contentType, to: current, strategicKind: "")
        } else {
            desired = body
            if let version = body["metadata"]?["resourceVersion"]?.stringValue, !version.isEmpty,
                version != current["metadata"]?["resourceVersion"]?.stringValue
            {
                throw APIError.conflict(context.type, context.info.name ?? "")
            }
        }
        guard let replicas = desired["spec"]?["replicas"]?.int64Value, replicas >= 0 else {
            throw APIError.invalid(
                context.type, context.info.name ?? "",
                causes: [("spec.replicas", "FieldValueInvalid", "Invalid value: must be greater than or equal to 0")])
        }
        if !context.dryRun {
            let key = context.key(context.info.name ?? "")
            updateInternal(context.type.storageKey, key) { object in
                object["spec"]?["replicas"] = .integer(replicas)
                let generation = object["metadata"]?["generation"]?.int64Value ?? 1
                if object["spec"]?["replicas"] != current["spec"]?["replicas"] { object["metadata"]?["generation"] = .integer(generation + 1) }
            }
        }
        return Self.ok(try scaleObject(context))
    }
}
