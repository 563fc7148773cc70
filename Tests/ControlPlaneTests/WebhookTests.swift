import ControlPlane
import Foundation
import HTTP
import HTTPServer
import Kube
import Loop
import Testing

/// MutatingAdmissionWebhook end to end: kubectl → our API server → a real HTTPS webhook run by the
/// test, checked against the capture of a real 1.19 apiserver (fixtures 08-admission-*).
@Suite(.timeLimit(.minutes(2))) @LoopActor struct WebhookTests {
    static let namespace: JSONValue = [
        "apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "fx-wh", "labels": ["fx-webhook": "enabled"]],
    ]

    static func pod(_ name: String, label: String, namespace: String = "fx-wh") -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": ["fx-wh": .string(label)]],
            "spec": ["containers": [["name": "c", "image": "busybox"]]],
        ]
    }

    /// A harness with the fx-wh namespace and the webhook configuration applied by kubectl.
    static func setUp(_ webhook: TestWebhook, _ hooks: [JSONValue]) async throws -> Harness {
        let harness = try Harness()
        let namespace = try await harness.apply("namespace", Self.namespace)
        #expect(namespace.stdout == "namespace/fx-wh created\n", "\(namespace)")
        let configuration = try await harness.apply("webhooks", TestWebhook.configuration(hooks))
        #expect(configuration.stdout == "mutatingwebhookconfiguration.admissionregistration.k8s.io/fx-webhooks created\n", "\(configuration)")
        return harness
    }

    static func get(_ harness: Harness, _ name: String, namespace: String = "fx-wh") async throws -> JSONValue {
        let result = try await harness.kubectl(["get", "pod", name, "-n", namespace, "-o", "json"])
        #expect(result.status == 0, "\(result)")
        return try JSONValue(parsing: result.stdout)
    }

    static func keys(_ value: JSONValue?) -> [String] { value?.objectValue?.keys ?? [] }

    /// The parts of a received review that do not depend on the user or the moment, against the capture's.
    static func expectShape(_ review: JSONValue, like fixture: JSONValue) {
        #expect(review["apiVersion"] == fixture["apiVersion"])
        #expect(review["kind"] == "AdmissionReview")
        let request = review["request"], expected = fixture["request"]
        #expect(keys(request) == keys(expected))
        for key in ["kind", "resource", "requestKind", "requestResource", "namespace", "operation", "oldObject"] {
            #expect(request?[key] == expected?[key], "request.\(key)")
        }
        #expect(request?["uid"]?.stringValue?.count == 36)
        #expect(keys(request?["object"]) == keys(expected?["object"]))
        #expect(request?["object"]?["metadata"]?["creationTimestamp"] == .null)
        #expect(request?["object"]?["metadata"]?["uid"] == nil)
    }

    static func expectHeaders(_ call: TestWebhook.Call, path: String) {
        #expect(call.target == path)
        #expect(call.headers["User-Agent"] == "kube-apiserver-admission")
        #expect(call.headers["Accept"] == "application/json, */*")
        #expect(call.headers["Content-Type"] == "application/json")
    }

    @Test func webhooksMutateCreatesAndUpdatesWithTheCapturedReviewShapes() async throws {
        let webhook = try TestWebhook()
        let harness = try await Self.setUp(webhook, [
            webhook.hook("ok.fx.example.com", scenario: "ok", objectLabel: "ok"),
            webhook.hook("v1beta1.fx.example.com", scenario: "v1beta1", objectLabel: "v1beta1", versions: ["v1beta1"]),
            webhook.hook("update.fx.example.com", scenario: "onupdate", objectLabel: "ok", operations: ["UPDATE"]),
            webhook.hook(
                "other-ns.fx.example.com", scenario: "other-ns", objectLabel: "ok",
                namespaceSelector: ["matchLabels": ["fx-webhook": "other"]]),
            webhook.hook(
                "ns-expression.fx.example.com", scenario: "ns-expression", objectLabel: "ok",
                namespaceSelector: ["matchExpressions": [["key": "fx-webhook", "operator": "NotIn", "values": ["enabled"]]]]),
            webhook.hook("other-object.fx.example.com", scenario: "other-object", objectLabel: "nothing"),
            webhook.hook(
                "status.fx.example.com", scenario: "status", objectLabel: "ok", operations: ["*"], resources: ["pods/status"]),
            webhook.hook(
                "cluster.fx.example.com", scenario: "cluster", objectLabel: "ok", operations: ["*"], resources: ["*", "*/*"],
                scope: "Cluster"),
        ])

        // kubectl apply: the patch lands, next to kubectl's own annotation.
        let created = try await harness.apply("p-ok", Self.pod("p-ok", label: "ok"))
        #expect(created.stdout == "pod/p-ok created\n", "\(created)")
        let pod = try await Self.get(harness, "p-ok")
        #expect(pod["metadata"]?["annotations"]?["fx-webhook/mutated"] == "ok")
        #expect(pod["metadata"]?["annotations"]?["kubectl.kubernetes.io/last-applied-configuration"] != nil)
        let calls = webhook.calls("ok")
        try #require(calls.count == 1)
        Self.expectHeaders(calls[0], path: "/ok?timeout=10s")
        let review = calls[0].review
        Self.expectShape(review, like: try Fixtures.json("08-admission-12-review-request-deny-case.webhook-received.json"))
        #expect(review["request"]?["name"] == "p-ok")
        #expect(review["request"]?["dryRun"] == false)
        #expect(review["request"]?["userInfo"] == [
            "username": "alice", "groups": ["system:masters", "dev", "system:authenticated"],
        ])
        #expect(review["request"]?["options"] == [
            "kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1", "fieldManager": "kubectl-client-side-apply",
        ])

        // The capture's own request to a v1beta1-only webhook gets a v1beta1 review.
        let beta = try await harness.post(
            "/api/v1/namespaces/fx-wh/pods", try Fixtures.bytes("08-admission-05-pod-create-v1beta1-only-webhook.req.json"))
        #expect(beta.status == 201)
        let betaFixture = try Fixtures.json("08-admission-05-pod-create-v1beta1-only-webhook.resp.json")
        #expect(beta.body["metadata"]?["annotations"] == betaFixture["metadata"]?["annotations"])
        let betaCalls = webhook.calls("v1beta1")
        try #require(betaCalls.count == 1)
        Self.expectHeaders(betaCalls[0], path: "/v1beta1?timeout=10s")
        let betaExpected = try Fixtures.json("08-admission-06-review-v1beta1-request.webhook-received.json")
        Self.expectShape(betaCalls[0].review, like: betaExpected)
        for key in ["name", "dryRun", "options"] {
            #expect(betaCalls[0].review["request"]?[key] == betaExpected["request"]?[key], "request.\(key)")
        }
        // Both calls went out on one kept connection, as kube-apiserver's webhook clients keep theirs.
        #expect(webhook.connections == 1)
        #expect(betaCalls[0].review["request"]?["userInfo"] == ["username": "admin", "groups": ["system:masters", "system:authenticated"]])

        // An update (kubectl label patches) reaches the UPDATE webhook with the old object.
        let labelled = try await harness.kubectl(["label", "pod", "p-ok", "-n", "fx-wh", "tier=gold"])
        #expect(labelled.status == 0, "\(labelled)")
        let updates = webhook.calls("onupdate")
        try #require(updates.count == 1)
        let update = updates[0].review["request"]
        #expect(update?["operation"] == "UPDATE")
        #expect(update?["name"] == "p-ok")
        #expect(update?["object"]?["metadata"]?["labels"]?["tier"] == "gold")
        #expect(update?["oldObject"]?["metadata"]?["labels"] == ["fx-wh": "ok"])
        #expect(update?["options"]?["kind"] == "UpdateOptions")
        let updated = try await Self.get(harness, "p-ok")
        #expect(updated["metadata"]?["annotations"]?["fx-webhook/updated"] == "onupdate")
        #expect(updated["metadata"]?["annotations"]?["fx-webhook/mutated"] == "ok")

        // A pods/status write reaches only the webhook for that subresource.
        let status = try await harness.kubectl([
            "patch", "pod", "p-ok", "-n", "fx-wh", "--subresource=status", "--type=merge", "-p", #"{"status":{"message":"hi"}}"#,
        ])
        #expect(status.status == 0, "\(status)")
        let statusCalls = webhook.calls("status")
        try #require(statusCalls.count == 1)
        #expect(statusCalls[0].review["request"]?["subResource"] == "status")
        #expect(statusCalls[0].review["request"]?["requestSubResource"] == "status")
        #expect(statusCalls[0].review["request"]?["kind"]?["kind"] == "Pod")
        #expect(webhook.calls("onupdate").count == 1)
        let patched = try await Self.get(harness, "p-ok")
        #expect(patched["status"]?["message"] == "hi")
        #expect(patched["metadata"]?["annotations"]?["fx-webhook/updated"] == "status")

        // Outside the labelled namespace only the `NotIn enabled` expression matches; the webhooks
        // whose selectors match nothing are never called.
        let elsewhere = try await harness.apply("p-default", Self.pod("p-default", label: "ok", namespace: "default"))
        #expect(elsewhere.stdout == "pod/p-default created\n", "\(elsewhere)")
        let other = try await Self.get(harness, "p-default", namespace: "default")
        #expect(other["metadata"]?["annotations"]?["fx-webhook/mutated"] == "ns-expression")
        #expect(webhook.calls("ok").count == 1)
        #expect(webhook.calls("ns-expression").map { $0.review["request"]?["namespace"] } == ["default"])
        for scenario in ["other-ns", "other-object", "cluster"] {
            #expect(webhook.calls(scenario).isEmpty, "\(scenario) was called")
        }
        await webhook.stop()
        await harness.stop()
    }

    @Test func denialsBadPatchesAndTimeoutsAnswerAsTheCapturedServer() async throws {
        let webhook = try TestWebhook()
        let harness = try await Self.setUp(webhook, [
            webhook.hook("deny.fx.example.com", scenario: "deny", objectLabel: "deny"),
            webhook.hook("badpatch-ignore.fx.example.com", scenario: "badpatch", objectLabel: "badpatch-ignore", failurePolicy: "Ignore"),
            webhook.hook("badpatch-fail.fx.example.com", scenario: "badpatch", objectLabel: "badpatch-fail"),
            webhook.hook("badop-fail.fx.example.com", scenario: "badop", objectLabel: "badop-fail"),
            webhook.hook("slow-ignore.fx.example.com", scenario: "slow", objectLabel: "slow-ignore", failurePolicy: "Ignore", timeoutSeconds: 1),
            webhook.hook("slow-fail.fx.example.com", scenario: "slow", objectLabel: "slow-fail", timeoutSeconds: 1),
        ])

        // The capture's requests get the capture's Status bodies (the timeout names our URL and timeout).
        let cases: [(request: String, response: String, code: Int)] = [
            ("08-admission-12-pod-create-denied.req.json", "08-admission-12-pod-create-denied.resp.json", 403),
            ("08-admission-07-pod-create-malformed-patch-failurePolicy-Ignore.req.json",
             "08-admission-07-pod-create-malformed-patch-failurePolicy-Ignore.resp.json", 500),
            ("08-admission-08-pod-create-malformed-patch-failurePolicy-Fail.req.json",
             "08-admission-08-pod-create-malformed-patch-failurePolicy-Fail.resp.json", 500),
            ("08-admission-09-pod-create-patch-missing-path-failurePolicy-Fail.req.json",
             "08-admission-09-pod-create-patch-missing-path-failurePolicy-Fail.resp.json", 500),
            ("08-admission-11-pod-create-timeout-failurePolicy-Fail.req.json",
             "08-admission-11-pod-create-timeout-failurePolicy-Fail.resp.json", 500),
        ]
        for (request, response, code) in cases {
            let answer = try await harness.post("/api/v1/namespaces/fx-wh/pods", try Fixtures.bytes(request))
            let text = String(decoding: try Fixtures.bytes(response), as: UTF8.self)
                .replacing("https://127.0.0.1:9444/slow?timeout=2s", with: webhook.url("slow") + "?timeout=1s")
            #expect(answer.status == code, "\(request): \(answer.body)")
            #expect(answer.body == (try JSONValue(parsing: text)), "\(request)")
        }

        // kubectl shows the same messages.
        let denied = try await harness.apply("p-deny", Self.pod("p-deny", label: "deny"))
        #expect(denied.status != 0)
        #expect(denied.stderr.contains("admission webhook \"deny.fx.example.com\" denied the request: fx webhook says no"), "\(denied)")
        #expect(denied.stderr.contains("Forbidden"), "\(denied)")
        let badPatch = try await harness.apply("p-badpatch", Self.pod("p-badpatch", label: "badpatch-ignore"))
        #expect(badPatch.status != 0)
        #expect(badPatch.stderr.contains("Internal error occurred: invalid character 'h' in literal true (expecting 'r')"), "\(badPatch)")
        let slowFail = try await harness.apply("p-slow-fail", Self.pod("p-slow-fail", label: "slow-fail"))
        #expect(
            slowFail.stderr.contains(
                "Internal error occurred: failed calling webhook \"slow-fail.fx.example.com\": Post \"\(webhook.url("slow"))?timeout=1s\": context deadline exceeded"),
            "\(slowFail)")

        // A timeout under Ignore creates the pod unmutated.
        let slowIgnore = try await harness.apply("p-slow-ignore", Self.pod("p-slow-ignore", label: "slow-ignore"))
        #expect(slowIgnore.stdout == "pod/p-slow-ignore created\n", "\(slowIgnore)")
        let unmutated = try await Self.get(harness, "p-slow-ignore")
        #expect(unmutated["metadata"]?["annotations"]?["fx-webhook/mutated"] == nil)
        #expect(webhook.calls("slow").count == 3)
        #expect(webhook.calls("deny").count == 2)

        let pods = try await harness.kubectl(["get", "pods", "-n", "fx-wh", "-o", "name"])
        #expect(pods.stdout == "pod/p-slow-ignore\n", "\(pods)")
        await webhook.stop()
        await harness.stop()
    }

    @Test func serverDryRunCallsTheWebhookAndStoresNothing() async throws {
        let webhook = try TestWebhook()
        let harness = try await Self.setUp(webhook, [webhook.hook("ok.fx.example.com", scenario: "ok", objectLabel: "ok")])

        let dry = try await harness.apply("p-dry", Self.pod("p-dry", label: "ok"), ["--dry-run=server", "-o", "json"])
        #expect(dry.status == 0, "\(dry)")
        let answered = try JSONValue(parsing: dry.stdout)
        #expect(answered["metadata"]?["annotations"]?["fx-webhook/mutated"] == "ok")
        let calls = webhook.calls("ok")
        try #require(calls.count == 1)
        #expect(calls[0].review["request"]?["dryRun"] == true)
        #expect(calls[0].review["request"]?["options"] == [
            "kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1", "dryRun": ["All"], "fieldManager": "kubectl-client-side-apply",
        ])

        // The capture's dry-run request: options exactly as captured.
        let raw = try await harness.post(
            "/api/v1/namespaces/fx-wh/pods?dryRun=All", try Fixtures.bytes("08-admission-13-pod-create-dryrun.req.json"))
        #expect(raw.status == 201)
        #expect(raw.body["metadata"]?["annotations"] == ["fx-webhook/mutated": "ok"])
        #expect(raw.body["metadata"]?["resourceVersion"] == nil)
        try #require(webhook.calls("ok").count == 2)
        let expected = try Fixtures.json("08-admission-13-review-request-dryrun.webhook-received.json")
        Self.expectShape(webhook.calls("ok")[1].review, like: expected)
        #expect(webhook.calls("ok")[1].review["request"]?["options"] == expected["request"]?["options"])
        #expect(webhook.calls("ok")[1].review["request"]?["dryRun"] == true)

        let none = try await harness.kubectl(["get", "pods", "-n", "fx-wh", "-o", "name"])
        #expect(none.status == 0 && none.stdout.isEmpty, "\(none)")
        await webhook.stop()
        await harness.stop()
    }

    @Test func unreachableWebhooksFailOrAreSkippedByPolicy() async throws {
        let webhook = try TestWebhook()
        let stranger = try CertificateAuthority.generate(commonName: "stranger-ca")
        let refused: JSONValue = ["url": "https://127.0.0.1:1/x"]
        let harness = try await Self.setUp(webhook, [
            webhook.hook("refused-ignore.fx.example.com", scenario: "x", objectLabel: "refused-ignore", failurePolicy: "Ignore", clientConfig: refused),
            webhook.hook("refused-fail.fx.example.com", scenario: "x", objectLabel: "refused-fail", clientConfig: refused),
            webhook.hook(
                "untrusted-fail.fx.example.com", scenario: "untrusted", objectLabel: "untrusted-fail",
                clientConfig: ["url": .string(webhook.url("untrusted")), "caBundle": .string(Data(stranger.certificatePEM.utf8).base64EncodedString())]),
            webhook.hook(
                "service-fail.fx.example.com", scenario: "x", objectLabel: "service-fail",
                clientConfig: ["service": ["namespace": "fx-wh", "name": "hook", "path": "/mutate"]]),
        ])
        let skipped = try await harness.apply("p-refused-ignore", Self.pod("p-refused-ignore", label: "refused-ignore"))
        #expect(skipped.stdout == "pod/p-refused-ignore created\n", "\(skipped)")
        let failures = [
            ("refused-fail", #"Post "https://127.0.0.1:1/x?timeout=10s": dial tcp 127.0.0.1:1: connect: connection refused"#),
            ("untrusted-fail", #"Post "\#(webhook.url("untrusted"))?timeout=10s": x509: certificate signed by unknown authority"#),
            ("service-fail", #"Post "https://hook.fx-wh.svc:443/mutate?timeout=10s": dial tcp: lookup hook.fx-wh.svc: no such host"#),
        ]
        for (label, reason) in failures {
            let answer = try await harness.post("/api/v1/namespaces/fx-wh/pods", Self.pod("p-\(label)", label: label).serialized())
            let message = "failed calling webhook \"\(label).fx.example.com\": \(reason)"
            #expect(answer.status == 500, "\(label)")
            #expect(answer.body["message"]?.stringValue == "Internal error occurred: " + message, "\(label)")
            #expect(answer.body["details"] == ["causes": [["message": .string(message)]]], "\(label)")
        }
        #expect(webhook.calls("untrusted").isEmpty)
        let pods = try await harness.kubectl(["get", "pods", "-n", "fx-wh", "-o", "name"])
        #expect(pods.stdout == "pod/p-refused-ignore\n", "\(pods)")
        await webhook.stop()
        await harness.stop()
    }
}

@Suite(.timeLimit(.minutes(2))) @LoopActor struct ControllerAdmissionTests {
    /// Fixtures 08-admission-02..04: a Deployment's pods reach the webhook from the ReplicaSet controller.
    @Test func podsAControllerCreatesGoThroughTheWebhook() async throws {
        let webhook = try TestWebhook()
        let harness = try await WebhookTests.setUp(webhook, [webhook.hook("ok.fx.example.com", scenario: "ok", objectLabel: "ok")])
        let created = try await harness.kubectl([
            "apply", "-f", try harness.file("deployment.json", try Fixtures.json("08-admission-02-create-deployment.req.json").text),
        ])
        #expect(created.status == 0, "\(created)")
        let replicas = try await harness.kubectl(["get", "deployment", "-n", "fx-wh", "-o", "jsonpath={.items[0].spec.replicas}"])
        let wanted = Int(replicas.stdout) ?? 1
        let annotated = try await harness.kubectl([
            "wait", "-n", "fx-wh", "--for=jsonpath={.metadata.annotations.fx-webhook/mutated}=ok", "pods", "--all", "--timeout=60s",
        ])
        #expect(annotated.status == 0, "\(annotated)")
        let calls = webhook.calls("ok")
        #expect(calls.count == wanted)
        let fixture = try Fixtures.json("08-admission-04-review-v1-request-from-replicaset-pod.webhook-received.json")
        if let review = calls.first?.review {
            WebhookTests.expectShape(review, like: fixture)
            #expect(review["request"]?["name"] == nil)
            #expect(review["request"]?["userInfo"]?["username"] == "system:serviceaccount:kube-system:replicaset-controller")
            #expect(review["request"]?["object"]?["metadata"]?["generateName"] != nil)
        }
        await webhook.stop()
        await harness.stop()
    }
}

@Suite(.timeLimit(.minutes(2))) @LoopActor struct ValidatingWebhookTests {
    @Test func aValidatingWebhookSeesTheMutatedObjectAndMayDeny() async throws {
        let webhook = try TestWebhook()
        let harness = try await WebhookTests.setUp(webhook, [webhook.hook("ok.fx.example.com", scenario: "ok", objectLabel: "ok")])
        var validating = TestWebhook.configuration([
            webhook.hook("deny.fx.example.com", scenario: "deny", objectLabel: "deny"),
            webhook.hook("look.fx.example.com", scenario: "ok", objectLabel: "ok"),
        ])
        validating["kind"] = "ValidatingWebhookConfiguration"
        validating["metadata"] = ["name": "fx-validating"]
        let configured = try await harness.kubectl(["apply", "-f", try harness.file("validating.json", validating.text)])
        #expect(configured.status == 0, "\(configured)")

        let denied = try await harness.kubectl(["apply", "-f", try harness.file("p1.json", WebhookTests.pod("p1", label: "deny").text)])
        #expect(denied.status != 0)
        #expect(denied.stderr.contains("admission webhook \"deny.fx.example.com\" denied the request"), "\(denied)")

        let allowed = try await harness.kubectl(["apply", "-f", try harness.file("p2.json", WebhookTests.pod("p2", label: "ok").text)])
        #expect(allowed.status == 0, "\(allowed)")
        // The mutating call first, then the validating one, which sees the mutation but cannot patch.
        let calls = webhook.calls("ok")
        #expect(calls.count == 2)
        #expect(calls.last?.review["request"]?["object"]?["metadata"]?["annotations"]?["fx-webhook/mutated"] == "ok")
        let stored = try await WebhookTests.get(harness, "p2")
        #expect(stored["metadata"]?["annotations"]?["fx-webhook/mutated"] == "ok")
        await webhook.stop()
        await harness.stop()
    }
}
