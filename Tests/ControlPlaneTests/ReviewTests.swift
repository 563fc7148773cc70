import ControlPlane
import Foundation
import Kube
import Loop
import Testing

@Suite(.timeLimit(.minutes(2))) @LoopActor struct ReviewTests {
    @Test func tokenAndAccessReviewsAnswerForTheServersIdentities() async throws {
        let harness = try Harness { $0.tokens["node-token"] = .node("virtual-1") }
        let api = AdminAPI(harness)
        let known = try await api.send(
            .post, "/apis/authentication.k8s.io/v1/tokenreviews",
            body: #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"node-token"}}"#)
        #expect(known.status == 201)
        #expect(known.body["status"]?["authenticated"] == true)
        #expect(known.body["status"]?["user"]?["username"] == "system:node:virtual-1")
        let unknown = try await api.send(
            .post, "/apis/authentication.k8s.io/v1/tokenreviews",
            body: #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"nope"}}"#)
        #expect(unknown.body["status"]?["authenticated"] == false)

        let access = try await api.send(
            .post, "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            body: #"{"kind":"SubjectAccessReview","spec":{"user":"system:node:virtual-1","groups":["system:nodes"],"resourceAttributes":{"verb":"delete","resource":"deployments","group":"apps"}}}"#)
        #expect(access.body["status"]?["allowed"] == false)

        let selfReview = try await api.send(
            .post, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            body: #"{"kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"verb":"delete","resource":"deployments","group":"apps"}}}"#)
        #expect(selfReview.body["status"]?["allowed"] == true)

        // kubectl sends this one as protobuf.
        let canI = try await harness.kubectl(["auth", "can-i", "delete", "deployments"])
        #expect(canI.stdout == "yes\n", "\(canI)")
        await harness.stop()
    }
}
