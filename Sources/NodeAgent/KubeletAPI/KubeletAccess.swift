import HTTP
import Kube
import Loop

/// An authenticated caller of the kubelet API.
struct KubeletUser: Sendable, Equatable {
    var name: String
    var groups: [String]

    static let anonymous = KubeletUser(name: "system:anonymous", groups: ["system:unauthenticated"])
}

/// The kubelet's authentication and authorization filters, in front of every path: a verified client
/// certificate, else a bearer token (TokenReview), else anonymous when allowed; then, in Webhook mode,
/// a SubjectAccessReview on `nodes/<subresource>` of the node the request is about.
@LoopActor
struct KubeletAccess {
    let configuration: KubeletAPIConfiguration
    let reviewer: (any KubeletReviewer)?

    /// nil when the request may go on; otherwise the answer to send instead (401, 403 or 500).
    func check(_ request: HTTPRequest, node: String) async -> HTTPResponse? {
        guard let user = await authenticate(request) else { return .text("Unauthorized\n", status: .unauthorized) }
        guard configuration.authorizationMode == .webhook, let reviewer else { return nil }
        let verb = Self.verb(request.method)
        let subresource = Self.subresource(ofPath: request.path)
        let allowed: Bool
        do {
            allowed = try await reviewer.authorize(
                user: user.name, groups: user.groups, verb: verb, subresource: subresource, node: node)
        } catch {
            let message = "cannot check whether \(user.name) may \(verb) nodes/\(subresource): \(error)\n"
            return .text(message, status: .internalServerError)
        }
        guard allowed else {
            return .text(
                "Forbidden (user=\(user.name), verb=\(verb), resource=nodes, subresource=\(subresource))\n",
                status: .forbidden)
        }
        return nil
    }

    func authenticate(_ request: HTTPRequest) async -> KubeletUser? {
        // The TLS layer only reports a peer whose certificate chains to the client CA.
        if let peer = request.tlsPeer, let name = peer.commonName, !name.isEmpty {
            return KubeletUser(name: name, groups: Self.authenticated(peer.organizations))
        }
        if configuration.authenticationTokenWebhook, let reviewer, let token = Self.bearerToken(request.headers) {
            // A token that was presented but not accepted is a failure, even with anonymous access on.
            guard let user = try? await reviewer.authenticate(token: token), let name = user.username else { return nil }
            return KubeletUser(name: name, groups: Self.authenticated(user.groups ?? []))
        }
        return configuration.anonymousAuth ? .anonymous : nil
    }

    /// Every authenticated user is also in `system:authenticated`, as kube's authenticators add it.
    private static func authenticated(_ groups: [String]) -> [String] {
        groups.contains("system:authenticated") ? groups : groups + ["system:authenticated"]
    }

    static func bearerToken(_ headers: HTTPHeaders) -> String? {
        guard let value = headers["Authorization"] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        var token = parts[1].drop { $0 == " " || $0 == "\t" }
        while token.last == " " || token.last == "\t" { token = token.dropLast() }
        return token.isEmpty ? nil : String(token)
    }

    /// The API verb for an HTTP method, as the kubelet maps them.
    static func verb(_ method: HTTPMethod) -> String {
        switch method {
        case .post: "create"
        case .put: "update"
        case .patch: "patch"
        case .delete: "delete"
        default: "get"
        }
    }

    /// The `nodes` subresource a path is checked against: whole path segments, so `/statsx` is `proxy`.
    static func subresource<S: StringProtocol>(ofPath path: S) -> String {
        let first = path.split(separator: "/" as Character, maxSplits: 1).first.map { String($0) }
        switch first {
        case "stats": return "stats"
        case "metrics": return "metrics"
        case "logs": return "log"
        default: return "proxy"
        }
    }
}
