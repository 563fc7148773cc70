/// `authentication.k8s.io/v1` user info, shared by token reviews and admission requests.
public struct UserInfo: Codable, Sendable, Equatable {
    public var username: String?
    public var uid: String?
    public var groups: [String]?
    public var extra: [String: [String]]?

    public init(username: String? = nil, uid: String? = nil, groups: [String]? = nil, extra: [String: [String]]? = nil) {
        self.username = username
        self.uid = uid
        self.groups = groups
        self.extra = extra
    }
}

/// `authentication.k8s.io/v1` TokenReview: how the kubelet API authenticates bearer tokens.
public struct TokenReview: SpecStatusObject, Equatable {
    public static let resource = APIResource(
        group: "authentication.k8s.io", version: "v1", resource: "tokenreviews", kind: "TokenReview",
        namespaced: false)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var spec: Spec?
    public var status: Status?

    public init() {}
    public init(token: String, audiences: [String]? = nil) {
        spec = Spec(token: token, audiences: audiences)
    }

    public struct Spec: Codable, Sendable, Equatable {
        public var token: String?
        public var audiences: [String]?

        public init(token: String? = nil, audiences: [String]? = nil) {
            self.token = token
            self.audiences = audiences
        }
    }

    public struct Status: Codable, Sendable, Equatable {
        public var authenticated: Bool?
        public var user: UserInfo?
        public var audiences: [String]?
        public var error: String?

        public init(authenticated: Bool? = nil, user: UserInfo? = nil, error: String? = nil) {
            self.authenticated = authenticated
            self.user = user
            self.error = error
        }
    }
}

/// `authorization.k8s.io/v1` SubjectAccessReview: how the kubelet API authorizes a request.
public struct SubjectAccessReview: SpecStatusObject, Equatable {
    public static let resource = APIResource(
        group: "authorization.k8s.io", version: "v1", resource: "subjectaccessreviews", kind: "SubjectAccessReview",
        namespaced: false)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var spec: Spec?
    public var status: Status?

    public init() {}
    public init(spec: Spec) { self.spec = spec }

    public struct Spec: Codable, Sendable, Equatable {
        public var resourceAttributes: ResourceAttributes?
        public var nonResourceAttributes: NonResourceAttributes?
        public var user: String?
        public var groups: [String]?
        public var extra: [String: [String]]?
        public var uid: String?

        public init(
            resourceAttributes: ResourceAttributes? = nil, nonResourceAttributes: NonResourceAttributes? = nil,
            user: String? = nil, groups: [String]? = nil, extra: [String: [String]]? = nil, uid: String? = nil
        ) {
            self.resourceAttributes = resourceAttributes
            self.nonResourceAttributes = nonResourceAttributes
            self.user = user
            self.groups = groups
            self.extra = extra
            self.uid = uid
        }
    }

    public struct ResourceAttributes: Codable, Sendable, Equatable {
        public var namespace: String?
        public var verb: String?
        public var group: String?
        public var version: String?
        public var resource: String?
        public var subresource: String?
        public var name: String?

        public init(
            namespace: String? = nil, verb: String? = nil, group: String? = nil, version: String? = nil,
            resource: String? = nil, subresource: String? = nil, name: String? = nil
        ) {
            self.namespace = namespace
            self.verb = verb
            self.group = group
            self.version = version
            self.resource = resource
            self.subresource = subresource
            self.name = name
        }
    }

    public struct NonResourceAttributes: Codable, Sendable, Equatable {
        public var path: String?
        public var verb: String?

        public init(path: String? = nil, verb: String? = nil) {
            self.path = path
            self.verb = verb
        }
    }

    public struct Status: Codable, Sendable, Equatable {
        public var allowed: Bool?
        public var denied: Bool?
        public var reason: String?
        public var evaluationError: String?

        public init(allowed: Bool? = nil, denied: Bool? = nil, reason: String? = nil, evaluationError: String? = nil) {
            self.allowed = allowed
            self.denied = denied
            self.reason = reason
            self.evaluationError = evaluationError
        }
    }
}
