/// `metav1.ObjectMeta`. Every field is optional, as on the wire, so partial objects decode.
public struct ObjectMeta: Codable, Sendable, Equatable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    /// Set by servers before 1.20; kept so a read-modify-write does not drop it.
    public var selfLink: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int?
    public var creationTimestamp: Time?
    public var deletionTimestamp: Time?
    public var deletionGracePeriodSeconds: Int?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?
    public var finalizers: [String]?
    /// Server-side-apply bookkeeping; opaque here.
    public var managedFields: [JSONValue]?

    public init(
        name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil,
        annotations: [String: String]? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }
}

/// `metav1.OwnerReference`.
public struct OwnerReference: Codable, Sendable, Equatable {
    public var apiVersion: String?
    public var kind: String?
    public var name: String?
    public var uid: String?
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?

    public init(
        apiVersion: String? = nil, kind: String? = nil, name: String? = nil, uid: String? = nil,
        controller: Bool? = nil, blockOwnerDeletion: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }
}

/// `metav1.ListMeta`.
public struct ListMeta: Codable, Sendable, Equatable {
    public var selfLink: String?
    public var resourceVersion: String?
    /// The token for the next page; empty or absent on the last one.
    public var `continue`: String?
    public var remainingItemCount: Int?

    public init(resourceVersion: String? = nil, continue: String? = nil, remainingItemCount: Int? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = `continue`
        self.remainingItemCount = remainingItemCount
    }
}

/// `v1.ObjectReference`: what events, bindings and service-account secrets point at.
public struct ObjectReference: Codable, Sendable, Equatable {
    public var apiVersion: String?
    public var kind: String?
    public var namespace: String?
    public var name: String?
    public var uid: String?
    public var resourceVersion: String?
    /// E.g. `spec.containers{c}` for an event about one container.
    public var fieldPath: String?

    public init(
        apiVersion: String? = nil, kind: String? = nil, namespace: String? = nil, name: String? = nil,
        uid: String? = nil, resourceVersion: String? = nil, fieldPath: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.fieldPath = fieldPath
    }
}

/// `FooList`: a page of objects. Items in a list carry no apiVersion/kind on the wire; they gain
/// them from their type when re-encoded.
public struct ObjectList<T: KubernetesObject>: Codable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ListMeta?
    public var items: [T]

    public init(metadata: ListMeta? = nil, items: [T] = []) {
        self.metadata = metadata
        self.items = items
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, items }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ListMeta.self, forKey: .metadata)
        items = try container.decodeIfPresent([T].self, forKey: .items) ?? []  // `null` for none
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(apiVersion ?? T.resource.apiVersion, forKey: .apiVersion)
        try container.encode(kind ?? T.resource.kind + "List", forKey: .kind)
        try container.encodeIfPresent(metadata, forKey: .metadata)
        try container.encode(items, forKey: .items)
    }
}

extension ObjectList: Equatable where T: Equatable {}

// MARK: - The envelope shared by top-level objects

/// A top-level object with its wire `apiVersion`/`kind`. They are kept as received (an
/// `events.k8s.io/v1` Event read through core v1, a `policy/v1beta1` PDB) and, when nil, written
/// from `resource`, so an object built in code always encodes a complete envelope.
public protocol TypedObject: KubernetesObject {
    var apiVersion: String? { get set }
    var kind: String? { get set }
}

/// The common `{apiVersion, kind, metadata, spec, status}` shape; conforming gives Codable.
public protocol SpecStatusObject: TypedObject {
    associatedtype Spec: Codable & Sendable & Equatable
    associatedtype Status: Codable & Sendable & Equatable
    var spec: Spec? { get set }
    var status: Status? { get set }
    init()
}

enum SpecStatusKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

extension SpecStatusObject {
    public init(from decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: SpecStatusKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decodeIfPresent(Spec.self, forKey: .spec)
        status = try container.decodeIfPresent(Status.self, forKey: .status)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: SpecStatusKeys.self)
        try container.encode(apiVersion ?? Self.resource.apiVersion, forKey: .apiVersion)
        try container.encode(kind ?? Self.resource.kind, forKey: .kind)
        try container.encode(metadata, forKey: .metadata)
        try container.encodeIfPresent(spec, forKey: .spec)
        try container.encodeIfPresent(status, forKey: .status)
    }
}

/// Coding keys of top-level objects of other shapes; the helpers below handle the envelope.
protocol TypedObjectKey: CodingKey {
    static var apiVersion: Self { get }
    static var kind: Self { get }
    static var metadata: Self { get }
}

extension KeyedDecodingContainer where Key: TypedObjectKey {
    /// apiVersion, kind and metadata (empty when absent).
    func decodeEnvelope() throws -> (apiVersion: String?, kind: String?, metadata: ObjectMeta) {
        (
            try decodeIfPresent(String.self, forKey: .apiVersion), try decodeIfPresent(String.self, forKey: .kind),
            try decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        )
    }
}

extension KeyedEncodingContainer where Key: TypedObjectKey {
    mutating func encodeEnvelope<T: TypedObject>(of object: T) throws {
        try encode(object.apiVersion ?? T.resource.apiVersion, forKey: .apiVersion)
        try encode(object.kind ?? T.resource.kind, forKey: .kind)
        try encode(object.metadata, forKey: .metadata)
    }
}
