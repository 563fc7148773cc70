import HTTP
import Kube

/// `/version`, `/api`, `/apis` and the per group-version resource lists, shaped as 1.19 serves them.
enum Discovery {
    static let version: [UInt8] = {
        let value: JSONValue = [
            "major": "1", "minor": "19", "gitVersion": "v1.19.0", "gitCommit": "node-agent", "gitTreeState": "clean",
            "buildDate": "2026-11-22T00:00:00Z", "goVersion": "swift6", "compiler": "swiftc", "platform": "linux/amd64",
        ]
        return value.prettySerialized()
    }()

    static func response(_ registry: ResourceRegistry, group: String?, version: String?, address: String) -> HTTPResponse {
        switch (group, version) {
        case ("", nil):
            return APIServer.ok([
                "kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(address)]],
            ])
        case (nil, _):
            return APIServer.ok([
                "kind": "APIGroupList", "apiVersion": "v1",
                "groups": .array(registry.groups.map { groupValue($0.name, $0.versions) }),
            ])
        case (let group?, nil):
            guard let entry = registry.groups.first(where: { $0.name == group }) else { return APIError.pathNotFound.response }
            var value = groupValue(entry.name, entry.versions)
            value["kind"] = "APIGroup"
            value["apiVersion"] = "v1"
            return APIServer.ok(ordered(value, first: ["kind", "apiVersion"]))
        case (let group?, let version?):
            let types = registry.types(group: group, version: version)
            guard !types.isEmpty else { return APIError.pathNotFound.response }
            var list: JSONValue = ["kind": "APIResourceList"]
            if !group.isEmpty { list["apiVersion"] = "v1" }
            list["groupVersion"] = .string(group.isEmpty ? version : "\(group)/\(version)")
            list["resources"] = .array(types.flatMap(resources))
            return APIServer.ok(list)
        }
    }

    private static func groupValue(_ name: String, _ versions: [String]) -> JSONValue {
        let entries: [JSONValue] = versions.map { ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)] }
        return ["name": .string(name), "versions": .array(entries), "preferredVersion": entries[0]]
    }

    private static func ordered(_ value: JSONValue, first keys: [String]) -> JSONValue {
        var result: JSONValue = .object([:])
        for key in keys { result[key] = value[key] }
        for (key, member) in value.objectValue ?? JSONObject() where !keys.contains(key) { result[key] = member }
        return result
    }

    /// The resource and its subresources, as discovery lists them.
    private static func resources(_ type: ResourceType) -> [JSONValue] {
        var main: JSONValue = [
            "name": .string(type.resource), "singularName": "", "namespaced": .bool(type.namespaced),
            "kind": .string(type.kind), "verbs": .array(type.verbs.map { .string($0) }),
        ]
        if !type.shortNames.isEmpty { main["shortNames"] = .array(type.shortNames.map { .string($0) }) }
        if !type.categories.isEmpty { main["categories"] = .array(type.categories.map { .string($0) }) }
        var result = [main]
        for subresource in type.subresources.sorted() {
            var entry: JSONValue = [
                "name": .string("\(type.resource)/\(subresource)"), "singularName": "", "namespaced": .bool(type.namespaced),
            ]
            switch subresource {
            case "status":
                entry["kind"] = .string(type.kind)
                entry["verbs"] = ["get", "patch", "update"]
            case "scale":
                entry["group"] = "autoscaling"
                entry["version"] = "v1"
                entry["kind"] = "Scale"
                entry["verbs"] = ["get", "patch", "update"]
            case "binding":
                entry["kind"] = "Binding"
                entry["verbs"] = ["create"]
            case "eviction":
                entry["group"] = "policy"
                entry["version"] = "v1beta1"
                entry["kind"] = "Eviction"
                entry["verbs"] = ["create"]
            case "log":
                entry["kind"] = "Pod"
                entry["verbs"] = ["get"]
            case "proxy":
                entry["kind"] = "NodeProxyOptions"
                entry["verbs"] = ["create", "delete", "get", "patch", "update"]
            default:
                entry["kind"] = .string(type.kind)
                entry["verbs"] = ["update"]
            }
            result.append(entry)
        }
        return result
    }
}

/// `/healthz`, `/livez`, `/readyz`: "ok", or the check list with `?verbose`.
enum Health {
    static let checks = ["ping", "log", "etcd", "poststarthook/generic-apiserver-start-informers"]

    static func response(_ request: HTTPRequest) -> HTTPResponse {
        guard request.query["verbose"] != nil else { return .text("ok") }
        let name = String(request.path.dropFirst())
        let lines = checks.map { "[+]\($0) ok" } + ["\(name) check passed"]
        return .text(lines.joined(separator: "\n") + "\n")
    }
}
