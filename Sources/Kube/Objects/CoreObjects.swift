/// `v1.Namespace`.
public struct Namespace: SpecStatusObject, Equatable {
    public static let resource = APIResource(
        group: "", version: "v1", resource: "namespaces", kind: "Namespace", namespaced: false)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var spec: Spec?
    public var status: Status?

    public init() {}
    public init(metadata: ObjectMeta) { self.metadata = metadata }

    public struct Spec: Codable, Sendable, Equatable {
        public var finalizers: [String]?
        public init(finalizers: [String]? = nil) { self.finalizers = finalizers }
    }

    public struct Status: Codable, Sendable, Equatable {
        /// `Active` or `Terminating`.
        public var phase: String?
        public var conditions: [ObjectCondition]?
        public init(phase: String? = nil) { self.phase = phase }
    }
}

/// `v1.ConfigMap`.
public struct ConfigMap: TypedObject, Equatable {
    public static let resource = APIResource(
        group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var data: [String: String]?
    /// Base64 on the wire, kept as received.
    public var binaryData: [String: String]?
    public var immutable: Bool?

    public init() {}
    public init(metadata: ObjectMeta, data: [String: String]? = nil) {
        self.metadata = metadata
        self.data = data
    }

    enum CodingKeys: String, TypedObjectKey { case apiVersion, kind, metadata, data, binaryData, immutable }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        (apiVersion, kind, metadata) = try container.decodeEnvelope()
        data = try container.decodeIfPresent([String: String].self, forKey: .data)
        binaryData = try container.decodeIfPresent([String: String].self, forKey: .binaryData)
        immutable = try container.decodeIfPresent(Bool.self, forKey: .immutable)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeEnvelope(of: self)
        try container.encodeIfPresent(data, forKey: .data)
        try container.encodeIfPresent(binaryData, forKey: .binaryData)
        try container.encodeIfPresent(immutable, forKey: .immutable)
    }
}

/// `v1.Secret`. `data` values stay base64 strings as on the wire; decode them where used.
public struct Secret: TypedObject, Equatable {
    public static let resource = APIResource(group: "", version: "v1", resource: "secrets", kind: "Secret", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var data: [String: String]?
    /// Write-only plain-text convenience; the server merges it into `data`.
    public var stringData: [String: String]?
    /// `Opaque`, `kubernetes.io/service-account-token`, `kubernetes.io/dockerconfigjson`, …
    public var type: String?
    public var immutable: Bool?

    public init() {}
    public init(metadata: ObjectMeta, data: [String: String]? = nil, type: String? = nil) {
        self.metadata = metadata
        self.data = data
        self.type = type
    }

    enum CodingKeys: String, TypedObjectKey { case apiVersion, kind, metadata, data, stringData, type, immutable }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        (apiVersion, kind, metadata) = try container.decodeEnvelope()
        data = try container.decodeIfPresent([String: String].self, forKey: .data)
        stringData = try container.decodeIfPresent([String: String].self, forKey: .stringData)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        immutable = try container.decodeIfPresent(Bool.self, forKey: .immutable)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeEnvelope(of: self)
        try container.encodeIfPresent(data, forKey: .data)
        try container.encodeIfPresent(stringData, forKey: .stringData)
        try container.encodeIfPresent(type, forKey: .type)
        try container.encodeIfPresent(immutable, forKey: .immutable)
    }
}

/// `v1.Service`. The status (load-balancer ingress) is opaque.
public struct Service: SpecStatusObject, Equatable {
    public static let resource = APIResource(group: "", version: "v1", resource: "services", kind: "Service", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var spec: Spec?
    public var status: JSONValue?

    public init() {}
    public init(metadata: ObjectMeta, spec: Spec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    public struct Spec: Codable, Sendable, Equatable {
        /// `ClusterIP`, `NodePort`, `LoadBalancer` or `ExternalName`.
        public var type: String?
        public var clusterIP: String?
        public var clusterIPs: [String]?
        public var ports: [ServicePort]?
        public var selector: [String: String]?
        public var externalIPs: [String]?
        public var externalName: String?
        public var sessionAffinity: String?
        public var loadBalancerIP: String?
        public var externalTrafficPolicy: String?
        public var publishNotReadyAddresses: Bool?
        public var ipFamilies: [String]?

        public init(type: String? = nil, ports: [ServicePort]? = nil, selector: [String: String]? = nil) {
            self.type = type
            self.ports = ports
            self.selector = selector
        }
    }
}

/// `v1.ServicePort`.
public struct ServicePort: Codable, Sendable, Equatable {
    public var name: String?
    public var `protocol`: String?
    public var appProtocol: String?
    public var port: Int?
    /// A port number or a container port's name (int-or-string).
    public var targetPort: JSONValue?
    public var nodePort: Int?

    public init(
        name: String? = nil, protocol: String? = nil, port: Int? = nil, targetPort: JSONValue? = nil,
        nodePort: Int? = nil
    ) {
        self.name = name
        self.protocol = `protocol`
        self.port = port
        self.targetPort = targetPort
        self.nodePort = nodePort
    }
}

/// `v1.ServiceAccount`.
public struct ServiceAccount: TypedObject, Equatable {
    public static let resource = APIResource(
        group: "", version: "v1", resource: "serviceaccounts", kind: "ServiceAccount", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var secrets: [ObjectReference]?
    public var imagePullSecrets: [LocalObjectReference]?
    public var automountServiceAccountToken: Bool?

    public init() {}
    public init(metadata: ObjectMeta) { self.metadata = metadata }

    enum CodingKeys: String, TypedObjectKey {
        case apiVersion, kind, metadata, secrets, imagePullSecrets, automountServiceAccountToken
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        (apiVersion, kind, metadata) = try container.decodeEnvelope()
        secrets = try container.decodeIfPresent([ObjectReference].self, forKey: .secrets)
        imagePullSecrets = try container.decodeIfPresent([LocalObjectReference].self, forKey: .imagePullSecrets)
        automountServiceAccountToken = try container.decodeIfPresent(Bool.self, forKey: .automountServiceAccountToken)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeEnvelope(of: self)
        try container.encodeIfPresent(secrets, forKey: .secrets)
        try container.encodeIfPresent(imagePullSecrets, forKey: .imagePullSecrets)
        try container.encodeIfPresent(automountServiceAccountToken, forKey: .automountServiceAccountToken)
    }
}

/// `v1.Binding`: POSTed to `pods/{name}/binding` to schedule a pod onto a node.
public struct Binding: TypedObject, Equatable {
    /// The `binding` subresource of pods is where it is posted; this is the group/version it lives in.
    public static let resource = APIResource(group: "", version: "v1", resource: "bindings", kind: "Binding", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var target: ObjectReference?

    public init() {}
    public init(metadata: ObjectMeta, target: ObjectReference) {
        self.metadata = metadata
        self.target = target
    }

    enum CodingKeys: String, TypedObjectKey { case apiVersion, kind, metadata, target }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        (apiVersion, kind, metadata) = try container.decodeEnvelope()
        target = try container.decodeIfPresent(ObjectReference.self, forKey: .target)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeEnvelope(of: self)
        try container.encodeIfPresent(target, forKey: .target)
    }
}
