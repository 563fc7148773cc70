import Kube
import Loop

/// Who vouches for kubelet API callers: the API server's TokenReview and SubjectAccessReview in
/// production, a fake in tests. Nothing is cached, so a revoked token or role takes effect at once.
@LoopActor
public protocol KubeletReviewer: AnyObject {
    /// The user a bearer token stands for, or nil when the token is not valid. Throws when the
    /// review itself could not be made.
    func authenticate(token: String) async throws -> UserInfo?
    /// Whether `user` may `verb` the `nodes/<subresource>` of `node`.
    func authorize(user: String, groups: [String], verb: String, subresource: String, node: String) async throws -> Bool
}

/// Asks the API server, as a kubelet does with `--authentication-token-webhook` and
/// `--authorization-mode=Webhook`: one TokenReview or SubjectAccessReview per request.
@LoopActor
public final class APIServerReviewer: KubeletReviewer {
    private let client: KubeClient

    public init(client: KubeClient) { self.client = client }

    public func authenticate(token: String) async throws -> UserInfo? {
        let review = try await client.create(TokenReview(token: token))
        guard let status = review.status, status.authenticated == true, let user = status.user,
            user.username?.isEmpty == false
        else { return nil }
        return user
    }

    public func authorize(user: String, groups: [String], verb: String, subresource: String, node: String) async throws
        -> Bool
    {
        let attributes = SubjectAccessReview.ResourceAttributes(
            verb: verb, group: "", version: "v1", resource: "nodes", subresource: subresource, name: node)
        let spec = SubjectAccessReview.Spec(resourceAttributes: attributes, user: user, groups: groups)
        let review = try await client.create(SubjectAccessReview(spec: spec))
        return review.status?.allowed == true
    }
}
