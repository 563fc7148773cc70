import HTTP
import Kube
import Loop

extension APIServer {
    /// TokenReview and SubjectAccessReview: answered from the server's own identities, never stored.
    func review(_ context: RequestContext) async throws(APIError) -> HTTPResponse {
        let type = context.type
        var review = try await decodeBody(context)
        if review["metadata"] == nil { review["metadata"] = ["creationTimestamp": nil] }
        switch type.resource {
        case "tokenreviews":
            let token = review["spec"]?["token"]?.stringValue ?? ""
            if let identity = authenticator.tokens[token] {
                review["status"] = [
                    "authenticated": true,
                    "user": ["username": .string(identity.user), "groups": .array(identity.groups.map { .string($0) })],
                ]
            } else {
                review["status"] = ["authenticated": false, "error": "invalid bearer token"]
            }
        default:
            let spec = review["spec"]
            let identity = type.resource == "selfsubjectaccessreviews" ? context.identity : Identity(
                user: spec?["user"]?.stringValue ?? "", groups: (spec?["groups"]?.arrayValue ?? []).compactMap(\.stringValue))
            let attributes = spec?["resourceAttributes"]
            let resource = attributes?["resource"]?.stringValue ?? ""
            let target = registry.types.first {
                $0.resource == resource && $0.group == attributes?["group"]?.stringValue ?? ""
            } ?? ResourceType(group: attributes?["group"]?.stringValue ?? "", version: "v1", resource: resource, kind: "", namespaced: true)
            let allowed = identity.allowed(verb: attributes?["verb"]?.stringValue ?? "", type: target)
            review["status"] = allowed
                ? ["allowed": true, "reason": "allowed by the node-agent control plane's authorizer"]
                : ["allowed": false]
        }
        return Self.ok(review, status: .created)
    }
}
