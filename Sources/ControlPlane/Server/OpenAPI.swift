import HTTP
import Kube

/// OpenAPI v3 documents, one per group-version: enough for kubectl to learn that the server takes
/// `fieldValidation` (so it skips client-side validation) and for `kubectl explain` to walk a kind's
/// fields. Built-in kinds take their shapes from `SchemaCatalog`, custom resources from their CRD's
/// schema; any other kind is an outline (kind, apiVersion, metadata, spec, status).
enum OpenAPI {
    /// The CRD schema of a custom resource type (`APIServer.customSchema`).
    typealias CustomSchemas = (ResourceType) -> JSONValue?

    static func index(_ registry: ResourceRegistry, custom: CustomSchemas) -> HTTPResponse {
        var paths = JSONObject()
        var groupVersions: [(String, String)] = [("", "v1")]
        for (group, versions) in registry.groups { for version in versions { groupVersions.append((group, version)) } }
        for (group, version) in groupVersions {
            let path = group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
            let document = document(registry, group: group, version: version, custom: custom)
            let hash = String(UInt64(bitPattern: Int64(document.hashValue)), radix: 16)
            paths[path] = ["serverRelativeURL": .string("/openapi/v3/\(path)?hash=\(hash)")]
        }
        return APIServer.ok(["paths": .object(paths)])
    }

    static func response(_ registry: ResourceRegistry, path: String, custom: CustomSchemas) -> HTTPResponse {
        let parts = path.split(separator: "/").map(String.init)
        let (group, version): (String, String)
        switch parts.count {
        case 2 where parts[0] == "api": (group, version) = ("", parts[1])
        case 3 where parts[0] == "apis": (group, version) = (parts[1], parts[2])
        default: return APIError.pathNotFound.response
        }
        guard !registry.types(group: group, version: version).isEmpty else { return APIError.pathNotFound.response }
        return APIServer.ok(document(registry, group: group, version: version, custom: custom))
    }

    static func document(_ registry: ResourceRegistry, group: String, version: String, custom: CustomSchemas) -> JSONValue {
        var paths = JSONObject()
        var schemas = JSONObject()
        for type in registry.types(group: group, version: version) {
            let gvk: JSONValue = ["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)]
            let name = schemaName(type)
            if let catalog = SchemaCatalog.schemas(component: name, isKind: true) {
                for (component, schema) in catalog { schemas[component] = schema }
                schemas[name]?["description"] = .string("\(type.kind): \(type.resource) served by the node-agent embedded control plane.")
                schemas[name]?["x-kubernetes-group-version-kind"] = [gvk]
            } else if type.isCustom, let schema = custom(type) {
                schemas[name] = customResource(schema, gvk: gvk)
            } else {
                schemas[name] = schema(type, gvk: gvk)
            }
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
        for (component, schema) in SchemaCatalog.schemas(component: objectMeta, isKind: false) ?? [:] {
            schemas[component] = schema
        }
        return [
            "openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.19.0"], "paths": .object(paths),
            "components": ["schemas": .object(schemas)],
        ]
    }

    private static let objectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

    /// A CRD's `openAPIV3Schema`, with the fields every object has.
    private static func customResource(_ schema: JSONValue, gvk: JSONValue) -> JSONValue {
        var schema = schema
        var properties = schema["properties"] ?? .object([:])
        if properties["apiVersion"] == nil { properties["apiVersion"] = ["type": "string"] }
        if properties["kind"] == nil { properties["kind"] = ["type": "string"] }
        properties["metadata"] = ["allOf": [["$ref": .string("#/components/schemas/\(objectMeta)")]]]
        schema["properties"] = properties
        schema["x-kubernetes-group-version-kind"] = [gvk]
        return schema
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
                "allOf": [["$ref": .string("#/components/schemas/\(objectMeta)")]],
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
