import HTTP

/// What a request path under `/api` or `/apis` addresses, parsed as the apiserver's RequestInfo does.
struct RequestInfo: Sendable, Equatable {
    enum Target: Sendable, Equatable {
        /// `/api`, `/apis`, `/apis/<group>`, `/api/v1`, `/apis/<group>/<version>`.
        case discovery(group: String?, version: String?)
        case resource
    }

    var target: Target
    var group = ""
    var version = ""
    var namespace: String?
    var resource = ""
    var name: String?
    var subresource: String?
    /// Path segments after the subresource (`nodes/x/proxy/stats/summary`).
    var subpath: [String] = []

    init?(path: Substring) {
        let parts = PercentEncoding.pathSegments(path)
        guard let root = parts.first else { return nil }
        var rest: ArraySlice<String>
        switch root {
        case "api":
            guard parts.count > 1 else { target = .discovery(group: "", version: nil); return }
            version = parts[1]
            rest = parts[2...]
        case "apis":
            guard parts.count > 1 else { target = .discovery(group: nil, version: nil); return }
            group = parts[1]
            guard parts.count > 2 else { target = .discovery(group: group, version: nil); return }
            version = parts[2]
            rest = parts[3...]
        default:
            return nil
        }
        guard !rest.isEmpty else { target = .discovery(group: group, version: version); return }
        target = .resource
        if rest.first == "namespaces", rest.count > 1 {
            namespace = rest[rest.startIndex + 1]
            let third = rest.count > 2 ? rest[rest.startIndex + 2] : nil
            if let third, third != "status", third != "finalize" { rest = rest.dropFirst(2) }
        }
        var iterator = rest.makeIterator()
        resource = iterator.next() ?? ""
        name = iterator.next()
        subresource = iterator.next()
        while let part = iterator.next() { subpath.append(part) }
        // A namespace object is cluster-scoped: its name is not a namespace to look in.
        if resource == "namespaces" { namespace = nil }
    }

    /// The Kubernetes verb for `method` on this target.
    func verb(method: HTTPMethod, watch: Bool) -> String {
        switch method {
        case .get, .head: name == nil ? (watch ? "watch" : "list") : (watch ? "watch" : "get")
        case .post: "create"
        case .put: "update"
        case .patch: "patch"
        case .delete: name == nil ? "deletecollection" : "delete"
        default: method.rawValue.lowercased()
        }
    }
}
