import ControlPlane
import Foundation
import Kube
import Loop
import Testing

/// Controllers driven through kubectl, with the test playing the kubelet (pod status patches).
@Suite(.timeLimit(.minutes(2))) @LoopActor struct KubectlControllerTests {
    /// Marks every pod matching `selector` with `phase` (and Ready when Running), as a kubelet would.
    static func report(_ harness: Harness, selector: String, phase: String) async throws {
        let names = try await harness.kubectl(["get", "pods", "-l", selector, "-o", "jsonpath={.items[*].metadata.name}"])
        for name in names.stdout.split(separator: " ") {
            let ready = phase == "Running" ? "True" : "False"
            let patch = #"{"status":{"phase":"\#(phase)","conditions":[{"type":"Ready","status":"\#(ready)"}]}}"#
            let patched = try await harness.kubectl(["patch", "pod", String(name), "--subresource=status", "--type=merge", "-p", patch])
            #expect(patched.status == 0, "\(patched)")
        }
    }

    @Test func aJobRunsItsPodsToCompletion() async throws {
        let harness = try Harness()
        _ = try await harness.kubectl(["apply", "-f", try harness.file("node.yaml", KubectlNodeTests.node)])
        let created = try await harness.kubectl(["create", "job", "once", "--image=busybox", "--", "true"])
        #expect(created.stdout == "job.batch/once created\n", "\(created)")
        let active = try await harness.kubectl(["wait", "--for=jsonpath={.status.active}=1", "job/once", "--timeout=60s"])
        #expect(active.status == 0, "\(active)")
        try await Self.report(harness, selector: "job-name=once", phase: "Succeeded")
        let complete = try await harness.kubectl(["wait", "--for=condition=Complete", "job/once", "--timeout=60s"])
        #expect(complete.status == 0, "\(complete)")
        let succeeded = try await harness.kubectl(["get", "job", "once", "-o", "jsonpath={.status.succeeded}"])
        #expect(succeeded.stdout == "1", "\(succeeded)")
        await harness.stop()
    }

    @Test func aRollingUpdateReplacesTheReplicaSet() async throws {
        let harness = try Harness()
        _ = try await harness.kubectl(["apply", "-f", try harness.file("node.yaml", KubectlNodeTests.node)])
        _ = try await harness.kubectl(["apply", "-f", try harness.file("web.yaml", KubectlWorkloadTests.deployment)])
        #expect(try await harness.kubectl(["wait", "--for=jsonpath={.status.replicas}=2", "deployment/web", "--timeout=60s"]).status == 0)
        try await Self.report(harness, selector: "app=web", phase: "Running")
        #expect(try await harness.kubectl(["wait", "--for=condition=Available", "deployment/web", "--timeout=60s"]).status == 0)

        let updated = try await harness.kubectl(["set", "image", "deployment/web", "web=nginx:1.27"])
        #expect(updated.stdout == "deployment.apps/web image updated\n", "\(updated)")
        // The new ReplicaSet's pods become ready, the old ReplicaSet drains to zero.
        for _ in 0..<20 {
            try await Self.report(harness, selector: "app=web", phase: "Running")
            let sets = try await harness.kubectl(["get", "rs", "-o", "jsonpath={range .items[*]}{.spec.template.spec.containers[0].image}={.spec.replicas} {end}"])
            if sets.stdout.contains("nginx:1.25=0"), sets.stdout.contains("nginx:1.27=2") { break }
        }
        let sets = try await harness.kubectl(["get", "rs", "-o", "jsonpath={range .items[*]}{.spec.template.spec.containers[0].image}={.spec.replicas} {end}"])
        #expect(sets.stdout.split(separator: " ").sorted() == ["nginx:1.25=0", "nginx:1.27=2"], "\(sets)")
        try await Self.report(harness, selector: "app=web", phase: "Running")
        let rollout = try await harness.kubectl(["rollout", "status", "deployment/web", "--timeout=60s"])
        #expect(rollout.status == 0, "\(rollout)")
        await harness.stop()
    }
}
