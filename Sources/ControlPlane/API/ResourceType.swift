import Kube

/// One served resource: what discovery advertises and what the router and the store key on.
public struct ResourceType: Sendable, Hashable {
    public var group: String
    public var version: String
    /// The plural, lower-case name used in paths (`pods`).
    public var resource: String
    public var kind: String
    public var namespaced: Bool
    public var shortNames: [String]
    public var categories: [String]
    /// Subresources served (`status`, `binding`, `eviction`, `log`, `scale`, `proxy`).
    public var subresources: Set<String>
    /// Verbs on the collection and its members; `namespaces` cannot be deleted as a collection.
    public var verbs: [String]
    /// Resources sharing storage across versions name the same key (`policy/poddisruptionbudgets`).
    public var storageKey: String
    /// Custom resources are served with sorted keys and without strategic merge patch.
    public var isCustom: Bool

    public init(
        group: String, version: String, resource: String, kind: String, namespaced: Bool,
        shortNames: [String] = [], categories: [String] = [], subresources: Set<String> = [],
        verbs: [String] = ResourceType.allVerbs, isCustom: Bool = false, storageKey: String? = nil
    ) {
        self.group = group
        self.version = version
        self.resource = resource
        self.kind = kind
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.categories = categories
        self.subresources = subresources
        self.verbs = verbs
        self.storageKey = storageKey ?? (group.isEmpty ? resource : "\(group)/\(resource)")
        self.isCustom = isCustom
    }

    public static let allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    /// `Pod`, or `Deployment.apps` outside the core group, as validation errors name kinds.
    public var qualifiedKind: String { group.isEmpty ? kind : "\(kind).\(group)" }

    public var groupVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `pods` or `deployments.apps`, as kubectl and error messages name it.
    public var qualifiedName: String { group.isEmpty ? resource : "\(resource).\(group)" }

    /// The collection path, e.g. `/api/v1/namespaces/fx/pods`.
    public func path(namespace: String?) -> String {
        let root = group.isEmpty ? "/api/v1" : "/apis/\(group)/\(version)"
        if namespaced, let namespace { return "\(root)/namespaces/\(namespace)/\(resource)" }
        return "\(root)/\(resource)"
    }
}
