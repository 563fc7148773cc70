import HTTP
import HTTPClient
import Kube
import Loop
import NodeAgent
import TestSupport
import Testing

/// Which attributes the kubelet API asks a reviewer about, and how it answers when the reviewer
/// says no or cannot be reached.
@Suite(.timeLimit(.minutes(1))) @LoopActor struct KubeletAuthTests {
    func webhookFixture(_ reviewer: RecordingReviewer, nodes: [String] = ["node-0", "node-1"]) throws -> KubeletFixture {
        try KubeletFixture(nodes: nodes, reviewer: reviewer) {
            $0.authenticationTokenWebhook = true
            $0.authorizationMode = .webhook
        }
    }

    @Test func attributesNameThePodsNodeOrTheRequestedNode() async throws {
        let reviewer = RecordingReviewer()
        reviewer.users["t"] = UserInfo(username: "bob", groups: ["devs", "system:authenticated"])
        let fixture = try webhookFixture(reviewer)
        try await fixture.run("db", namespace: "data", on: "node-1")
        let bob = fixture.client(certificate: nil, token: "t")
        let cases: [(HTTPMethod, String, HTTPHeaders, verb: String, subresource: String, node: String)] = [
            (.get, "/healthz", [:], "get", "proxy", "node-0"),
            (.get, "/stats/summary", ["Host": "node-1:10250"], "get", "stats", "node-1"),
            (.get, "/metrics", [:], "get", "metrics", "node-0"),
            (.get, "/metrics/resource", [:], "get", "metrics", "node-0"),
            (.get, "/logs/", [:], "get", "log", "node-0"),
            (.get, "/containerLogs/data/db/app", [:], "get", "proxy", "node-1"),
            (.post, "/exec/data/db/app?command=ls", [:], "create", "proxy", "node-1"),
            (.put, "/pods", [:], "update", "proxy", "node-0"),
            (.patch, "/pods", [:], "patch", "proxy", "node-0"),
            (.delete, "/pods", [:], "delete", "proxy", "node-0"),
            (.get, "/statsx", [:], "get", "proxy", "node-0"),
        ]
        for (method, path, headers, verb, subresource, node) in cases {
            let answer = try await fixture.get(path, bob, method: method, headers: headers)
            #expect(answer.status == .forbidden, "\(method) \(path)")
            #expect(answer.text == "Forbidden (user=bob, verb=\(verb), resource=nodes, subresource=\(subresource))\n")
            #expect(reviewer.questions.last == RecordingReviewer.Question(
                user: "bob", groups: ["devs", "system:authenticated"], verb: verb, subresource: subresource, node: node))
        }

        // Certificates: CN is the user, O the groups, and every authenticated user is in system:authenticated.
        reviewer.allowed = ["viewer get proxy node-0"]
        let viewer = try await fixture.get("/healthz", fixture.client(certificate: fixture.pki.viewer))
        #expect(viewer.status == .ok && viewer.text == "ok")
        #expect(reviewer.questions.last?.groups == ["system:authenticated"])
        await fixture.stop()
    }

    @Test func reviewerAnswersAndFailures() async throws {
        let reviewer = RecordingReviewer()
        reviewer.users["good"] = UserInfo(username: "carol")
        reviewer.allowed = ["carol get proxy node-0", "system:anonymous get proxy node-0"]
        let fixture = try webhookFixture(reviewer, nodes: ["node-0"])
        #expect(try await fixture.get("/healthz", fixture.client(certificate: nil, token: "good")).status == .ok)
        #expect(try await fixture.get("/healthz", fixture.client(certificate: nil, token: "bad")).status == .unauthorized)
        #expect(try await fixture.get("/healthz", fixture.client(certificate: nil)).status == .unauthorized)
        // An allowed caller still gets a 404 for a path that does not exist.
        #expect(try await fixture.get("/nothing", fixture.client(certificate: nil, token: "good")).status == .notFound)

        // A TokenReview that cannot be made authenticates nobody; a SubjectAccessReview that cannot be made is a 500.
        reviewer.failing = true
        let token = try await fixture.get("/healthz", fixture.client(certificate: nil, token: "good"))
        #expect(token.status == .unauthorized && token.text == "Unauthorized\n")
        let certificate = try await fixture.get("/healthz", fixture.client(certificate: fixture.pki.viewer))
        #expect(certificate.status == .internalServerError && certificate.text.contains("the API server is unreachable"))
        await fixture.stop()

        // Anonymous callers, when allowed, are authorized like anyone else; a rejected token is still a 401.
        let anonymous = try KubeletFixture(nodes: ["node-0"], reviewer: reviewer) {
            $0.anonymousAuth = true
            $0.authenticationTokenWebhook = true
            $0.authorizationMode = .webhook
        }
        reviewer.failing = false
        #expect(try await anonymous.get("/healthz", anonymous.client(certificate: nil)).status == .ok)
        #expect(reviewer.questions.last?.groups == ["system:unauthenticated"])
        #expect(try await anonymous.get("/pods", anonymous.client(certificate: nil)).status == .ok)
        #expect(try await anonymous.get("/healthz", anonymous.client(certificate: nil, token: "bad")).status == .unauthorized)
        await anonymous.stop()
    }
}
