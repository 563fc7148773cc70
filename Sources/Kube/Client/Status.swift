/// The `Status` object every Kubernetes API failure carries (and some successes: deletes, bindings).
public struct Status: Codable, Sendable, Equatable {
    public struct Cause: Codable, Sendable, Equatable {
        public var reason: String?
        public var message: String?
        public var field: String?

        public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }

    public struct Details: Codable, Sendable, Equatable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var uid: String?
        public var causes: [Cause]?
        public var retryAfterSeconds: Int?

        public init(
            name: String? = nil, group: String? = nil, kind: String? = nil, uid: String? = nil,
            causes: [Cause]? = nil, retryAfterSeconds: Int? = nil
        ) {
            self.name = name
            self.group = group
            self.kind = kind
            self.uid = uid
            self.causes = causes
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    public var kind: String? = "Status"
    public var apiVersion: String? = "v1"
    public var metadata: ListMeta?
    /// "Success" or "Failure".
    public var status: String?
    public var message: String?
    /// A machine-readable reason: `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`, …
    public var reason: String?
    public var details: Details?
    public var code: Int?

    public init(
        status: String? = nil, message: String? = nil, reason: String? = nil, details: Details? = nil,
        code: Int? = nil, metadata: ListMeta? = nil
    ) {
        self.status = status
        self.message = message
        self.reason = reason
        self.details = details
        self.code = code
        self.metadata = metadata
    }

    /// A failure Status in the apiserver's shape.
    public static func failure(code: Int, reason: String, message: String, details: Details? = nil) -> Status {
        Status(status: "Failure", message: message, reason: reason, details: details, code: code, metadata: ListMeta())
    }
}

/// A request the API server refused, or that never reached it.
public enum KubeError: Error, Sendable, CustomStringConvertible {
    /// The server answered with a failure `Status` (or a non-JSON error body, wrapped into one).
    case api(Status)
    /// The request did not complete: DNS, connect, TLS, timeout, cancellation.
    case transport(String)
    /// The server's answer could not be decoded as the expected type.
    case decoding(String)
    /// The caller asked for something the client cannot express (bad name, missing namespace).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .api(let status):
            let reason = status.reason.map { " (\($0))" } ?? ""
            return "\(status.code.map(String.init) ?? "?")\(reason): \(status.message ?? "no message")"
        case .transport(let message), .decoding(let message), .invalidRequest(let message):
            return message
        }
    }

    public var status: Status? {
        if case .api(let status) = self { return status }
        return nil
    }

    public var code: Int? { status?.code }
    public var reason: String? { status?.reason }

    public var isNotFound: Bool { code == 404 }
    public var isConflict: Bool { code == 409 && reason != "AlreadyExists" }
    public var isAlreadyExists: Bool { reason == "AlreadyExists" }
    /// The resourceVersion asked for is too old: the caller must list again.
    public var isGone: Bool { code == 410 || reason == "Expired" || reason == "Gone" }
    public var isTooManyRequests: Bool { code == 429 }
    public var isInvalid: Bool { code == 422 }
}
