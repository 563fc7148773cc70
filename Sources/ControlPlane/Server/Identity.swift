import HTTP

/// Who a request is from: the client certificate's CN and O, or the user a bearer token maps to.
public struct Identity: Sendable, Equatable {
    public var user: String
    public var groups: [String]

    public init(user: String, groups: [String]) {
        self.user = user
        self.groups = groups
    }

    public static let admin = Identity(user: "admin", groups: ["system:masters", "system:authenticated"])

    public static func node(_ name: String) -> Identity {
        Identity(user: "system:node:\(name)", groups: ["system:nodes", "system:authenticated"])
    }

    /// Admins may do anything; nodes may do what a kubelet does (the NodeRestriction details are not modelled).
    func allowed(verb: String, type: ResourceType) -> Bool {
        if groups.contains("system:masters") { return true }
        if groups.contains("system:nodes") {
            switch type.resource {
            case "nodes", "pods", "events", "leases", "configmaps", "secrets", "services", "endpoints",
                "persistentvolumeclaims", "tokenreviews", "subjectaccessreviews", "namespaces":
                return true
            default:
                return ["get", "list", "watch"].contains(verb)
            }
        }
        return false
    }
}

/// Maps a request to an identity: a verified client certificate first, then a bearer token.
struct Authenticator: Sendable {
    var tokens: [String: Identity]

    func identify(_ request: HTTPRequest) -> Identity? {
        if let peer = request.tlsPeer, let name = peer.commonName {
            return Identity(user: name, groups: peer.organizations + ["system:authenticated"])
        }
        if let header = request.headers["Authorization"], header.hasPrefix("Bearer ") {
            return tokens[String(header.dropFirst(7).trimmedSpaces)]
        }
        return nil
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces.
    var trimmedSpaces: Substring {
        let text = self[...]
        guard let first = text.firstIndex(where: { $0 != " " }), let last = text.lastIndex(where: { $0 != " " }) else {
            return Substring()
        }
        return Substring(text[first...last])
    }
}

/// The media type of a Content-Type header (`application/json; charset=utf-8` → `application/json`).
func mediaType(_ header: String?) -> Substring? {
    guard let header else { return nil }
    let end = header.firstIndex(of: ";") ?? header.endIndex
    return header[..<end].trimmedSpaces
}
