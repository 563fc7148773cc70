/// `policy/v1` PodDisruptionBudget (a `policy/v1beta1` one decodes the same; its apiVersion is kept).
public struct PodDisruptionBudget: SpecStatusObject, Equatable {
    public static let resource = APIResource(
        group: "policy", version: "v1", resource: "poddisruptionbudgets", kind: "PodDisruptionBudget",
        namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var spec: Spec?
    public var status: Status?

    public init() {}

    public struct Spec: Codable, Sendable, Equatable {
        /// Int-or-string: a count or a percentage.
        public var minAvailable: JSONValue?
        public var selector: LabelSelector?
        /// Int-or-string: a count or a percentage.
        public var maxUnavailable: JSONValue?

        public init(minAvailable: JSONValue? = nil, selector: LabelSelector? = nil, maxUnavailable: JSONValue? = nil) {
            self.minAvailable = minAvailable
            self.selector = selector
            self.maxUnavailable = maxUnavailable
        }
    }

    public struct Status: Codable, Sendable, Equatable {
        public var observedGeneration: Int?
        /// Pods being deleted by an eviction, by name, with when it was admitted.
        public var disruptedPods: [String: Time]?
        public var disruptionsAllowed: Int?
        public var currentHealthy: Int?
        public var desiredHealthy: Int?
        public var expectedPods: Int?
        public var conditions: [ObjectCondition]?

        public init() {}
    }
}

/// `policy/v1` Eviction: POSTed to `pods/{name}/eviction`; a PDB may refuse it with 429.
public struct Eviction: TypedObject, Equatable {
    public static let resource = APIResource(
        group: "policy", version: "v1", resource: "evictions", kind: "Eviction", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var deleteOptions: DeleteOptions?

    public init() {}
    public init(metadata: ObjectMeta, deleteOptions: DeleteOptions? = nil) {
        self.metadata = metadata
        self.deleteOptions = deleteOptions
    }

    enum CodingKeys: String, TypedObjectKey { case apiVersion, kind, metadata, deleteOptions }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        (apiVersion, kind, metadata) = try container.decodeEnvelope()
        deleteOptions = try container.decodeIfPresent(DeleteOptions.self, forKey: .deleteOptions)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeEnvelope(of: self)
        try container.encodeIfPresent(deleteOptions, forKey: .deleteOptions)
    }
}
