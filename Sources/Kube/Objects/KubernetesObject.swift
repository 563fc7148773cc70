/// Where a kind lives in the API: enough to build its REST paths.
public struct APIResource: Sendable, Hashable {
    /// "" for the core group.
    public var group: String
    public var version: String
    /// The plural, lower-case resource name used in paths (`pods`, `leases`).
    public var resource: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, version: String, resource: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.resource = resource
        self.kind = kind
        self.namespaced = namespaced
    }

    /// `v1` for the core group, `group/version` otherwise.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `/api/v1` or `/apis/group/version`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }
}

/// A typed Kubernetes object: a Codable value with metadata, bound to its API resource.
public protocol KubernetesObject: Codable, Sendable {
    static var resource: APIResource { get }
    var metadata: ObjectMeta { get set }
}
