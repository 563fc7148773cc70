/// `apiextensions.k8s.io/v1` CustomResourceDefinition. Schemas and the rest of the machinery
/// (conversion, printer columns, subresources) are opaque.
public struct CustomResourceDefinition: SpecStatusObject, Equatable {
    public static let resource = APIResource(
        group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions",
        kind: "CustomResourceDefinition", namespaced: false)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var spec: Spec?
    public var status: Status?

    public init() {}

    public struct Spec: Codable, Sendable, Equatable {
        public var group: String?
        public var names: Names?
        /// `Namespaced` or `Cluster`.
        public var scope: String?
        public var versions: [Version]?
        public var conversion: JSONValue?
        public var preserveUnknownFields: Bool?

        public init(group: String? = nil, names: Names? = nil, scope: String? = nil, versions: [Version]? = nil) {
            self.group = group
            self.names = names
            self.scope = scope
            self.versions = versions
        }
    }

    public struct Names: Codable, Sendable, Equatable {
        public var plural: String?
        public var singular: String?
        public var kind: String?
        public var shortNames: [String]?
        public var listKind: String?
        public var categories: [String]?

        public init(
            plural: String? = nil, singular: String? = nil, kind: String? = nil, shortNames: [String]? = nil,
            listKind: String? = nil
        ) {
            self.plural = plural
            self.singular = singular
            self.kind = kind
            self.shortNames = shortNames
            self.listKind = listKind
        }
    }

    public struct Version: Codable, Sendable, Equatable {
        public var name: String?
        public var served: Bool?
        public var storage: Bool?
        public var deprecated: Bool?
        public var deprecationWarning: String?
        public var schema: Schema?
        public var subresources: JSONValue?
        public var additionalPrinterColumns: [JSONValue]?

        public init(name: String? = nil, served: Bool? = nil, storage: Bool? = nil, schema: Schema? = nil) {
            self.name = name
            self.served = served
            self.storage = storage
            self.schema = schema
        }
    }

    public struct Schema: Codable, Sendable, Equatable {
        public var openAPIV3Schema: JSONValue?
        public init(openAPIV3Schema: JSONValue? = nil) { self.openAPIV3Schema = openAPIV3Schema }
    }

    public struct Status: Codable, Sendable, Equatable {
        public var conditions: [ObjectCondition]?
        public var acceptedNames: Names?
        public var storedVersions: [String]?

        public init() {}
    }
}
