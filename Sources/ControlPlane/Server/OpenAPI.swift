import HTTP
import Kube

/// OpenAPI v3 documents, one per group-version: enough for kubectl to learn that the server takes
/// `fieldValidation` (so it skips client-side validation) and for `kubectl explain <kind>` to find
/// each kind. The schemas are outlines (kind, apiVersion, metadata, spec, status), not the full API.
enum OpenAPI {
    static func index(_ registry: ResourceRegistry) -> HTTPResponse {
        var paths = JSONObject()
        var groupVersions: [(String, String)] = [("", "v1")]
        for (group, versions) in registry.groups { for version in versions { groupVersions.append((group, version)) } }
        for (group, version) in groupVersions {
            let path = group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
            let hash = String(UInt64(bitPattern: Int64(document(registry, group: group, version: version).hashValue)), radix: 16)
            paths[path] = ["serverRelativeURL": .string("/openapi/v3/\(path)?hash=\(hash)")]
        }
        return APIServer.ok(["paths": .object(paths)])
    }

    static func response(_ registry: ResourceRegistry, path: String) -> HTTPResponse {
        let parts = path.split(separator: "/").map(String.init)
        let (group, version): (String, String)
        switch parts.count {
        case 2 where parts[0] == "api": (group, version) = ("", parts[1])
        case 3 where parts[0] == "apis": (group, version) = (parts[1], parts[2])
        default: return APIError.pathNotFound.response
        }
        guard !registry.types(group: group, version: version).isEmpty else { return APIError.pathNotFound.response }
        return APIServer.ok(document(registry, group: group, version: version))
    }

    static func document(_ registry: ResourceRegistry, group: String, version: String) -> JSONValue {
        var paths = JSONObject()
        var schemas = JSONObject()
        for type in registry.types(group: group, version: version) {
            let gvk: JSONValue = ["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)]
            let name = schemaName(type)
            schemas[name] = schema(type, gvk: gvk)
            let reference: JSONValue = ["$ref": .string("#/components/schemas/\(name)")]
            let parameters: JSONValue = [
                ["name": "dryRun", "in": "query", "schema": ["type": "string", "uniqueItems": true]],
                ["name": "fieldManager", "in": "query", "schema": ["type": "string", "uniqueItems": true]],
                ["name": "fieldValidation", "in": "query", "schema": ["type": "string", "uniqueItems": true]],
            ]
            func operation(_ action: String, _ verb: String) -> JSONValue {
                [
                    "operationId": .string(verb + type.kind), "parameters": parameters,
                    "responses": ["200": ["description": "OK", "content": ["application/json": ["schema": reference]]]],
                    "x-kubernetes-action": .string(action), "x-kubernetes-group-version-kind": gvk,
                ]
            }
            let collection = type.path(namespace: type.namespaced ? "{namespace}" : nil)
            paths[collection] = ["post": operation("post", "create")]
            paths[collection + "/{name}"] = ["put": operation("put", "replace"), "patch": operation("patch", "patch")]
        }
        schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"] = [
            "description": "Standard object's metadata.", "type": "object",
            "properties": [
                "name": ["description": "Name must be unique within a namespace.", "type": "string"],
                "namespace": ["description": "Namespace defines the space within which each name must be unique.", "type": "string"],
                "labels": ["description": "Map of string keys and values for organizing and selecting objects.", "type": "object", "additionalProperties": ["type": "string"]],
                "annotations": ["description": "Unstructured key value map stored with a resource.", "type": "object", "additionalProperties": ["type": "string"]],
            ],
        ]
        return [
            "openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.19.0"], "paths": .object(paths),
            "components": ["schemas": .object(schemas)],
        ]
    }

    private static func schemaName(_ type: ResourceType) -> String {
        let group = type.group.isEmpty ? "core" : type.group.split(separator: ".").first.map(String.init) ?? type.group
        return "io.k8s.api.\(group).\(type.version).\(type.kind)"
    }

    private static func schema(_ type: ResourceType, gvk: JSONValue) -> JSONValue {
        var properties: JSONValue = [
            "apiVersion": ["description": "APIVersion defines the versioned schema of this representation of an object.", "type": "string"],
            "kind": ["description": "Kind is a string value representing the REST resource this object represents.", "type": "string"],
            "metadata": [
                "description": "Standard object's metadata.",
                "allOf": [["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]],
                "default": .object([:]),
            ],
        ]
        if type.subresources.contains("status") {
            properties["spec"] = ["description": .string("Specification of the desired behavior of the \(type.kind)."), "type": "object", "x-kubernetes-preserve-unknown-fields": true]
            properties["status"] = ["description": .string("Most recently observed status of the \(type.kind)."), "type": "object", "x-kubernetes-preserve-unknown-fields": true]
        }
        return [
            "description": .string("\(type.kind) is served by the node-agent embedded control plane."), "type": "object",
            "properties": properties, "x-kubernetes-group-version-kind": [gvk],
        ]
    }
}
