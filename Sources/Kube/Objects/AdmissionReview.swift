/// `admission.k8s.io/v1` or `v1beta1` AdmissionReview: the body of a webhook call and its reply.
/// Both versions have this shape; `apiVersion` is kept as received so the reply can echo it (the
/// API server rejects a reply in another version). Not a REST resource, so no `metadata`.
public struct AdmissionReview: Codable, Sendable, Equatable {
    public static let v1 = "admission.k8s.io/v1"
    public static let v1beta1 = "admission.k8s.io/v1beta1"

    public var apiVersion: String?
    public var kind: String?
    public var request: AdmissionRequest?
    public var response: AdmissionResponse?

    public init(apiVersion: String? = AdmissionReview.v1, request: AdmissionRequest? = nil, response: AdmissionResponse? = nil) {
        self.apiVersion = apiVersion
        self.kind = "AdmissionReview"
        self.request = request
        self.response = response
    }

    /// The reply to `review`: same apiVersion, the response's uid set to the request's.
    public init(replyingTo review: AdmissionReview, with response: AdmissionResponse) {
        var response = response
        response.uid = review.request?.uid ?? response.uid
        self.init(apiVersion: review.apiVersion ?? Self.v1, response: response)
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, request, response }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(apiVersion ?? Self.v1, forKey: .apiVersion)
        try container.encode(kind ?? "AdmissionReview", forKey: .kind)
        try container.encodeIfPresent(request, forKey: .request)
        try container.encodeIfPresent(response, forKey: .response)
    }
}

/// `metav1.GroupVersionKind` as admission requests spell it.
public struct GroupVersionKind: Codable, Sendable, Hashable {
    public var group: String?
    public var version: String?
    public var kind: String?

    public init(group: String? = nil, version: String? = nil, kind: String? = nil) {
        self.group = group
        self.version = version
        self.kind = kind
    }
}

/// `metav1.GroupVersionResource`.
public struct GroupVersionResource: Codable, Sendable, Hashable {
    public var group: String?
    public var version: String?
    public var resource: String?

    public init(group: String? = nil, version: String? = nil, resource: String? = nil) {
        self.group = group
        self.version = version
        self.resource = resource
    }
}

public struct AdmissionRequest: Codable, Sendable, Equatable {
    /// Echoed in the response.
    public var uid: String?
    public var kind: GroupVersionKind?
    public var resource: GroupVersionResource?
    public var subResource: String?
    public var requestKind: GroupVersionKind?
    public var requestResource: GroupVersionResource?
    public var requestSubResource: String?
    /// Absent when the object only has a `generateName` yet.
    public var name: String?
    public var namespace: String?
    /// `CREATE`, `UPDATE`, `DELETE` or `CONNECT`.
    public var operation: String?
    public var userInfo: UserInfo?
    public var object: JSONValue?
    public var oldObject: JSONValue?
    public var dryRun: Bool?
    /// `CreateOptions`, `UpdateOptions` or `DeleteOptions`.
    public var options: JSONValue?

    public init(uid: String? = nil, operation: String? = nil, object: JSONValue? = nil) {
        self.uid = uid
        self.operation = operation
        self.object = object
    }
}

public struct AdmissionResponse: Codable, Sendable, Equatable {
    public var uid: String?
    public var allowed: Bool?
    /// Why a request was denied (`code`, `reason`, `message`).
    public var status: Status?
    /// A JSON patch, base64-encoded as on the wire.
    public var patch: String?
    /// `JSONPatch` when `patch` is set.
    public var patchType: String?
    public var auditAnnotations: [String: String]?
    public var warnings: [String]?

    public init(
        uid: String? = nil, allowed: Bool? = nil, status: Status? = nil, patch: String? = nil,
        patchType: String? = nil, warnings: [String]? = nil
    ) {
        self.uid = uid
        self.allowed = allowed
        self.status = status
        self.patch = patch
        self.patchType = patchType
        self.warnings = warnings
    }
}
