import ControlPlane
import Foundation
import Kube
import Loop
import Testing

@Suite(.timeLimit(.minutes(2))) @LoopActor struct KubectlDescribeTests {
    @Test func describeExplainAndApplyAgain() async throws {
        let harness = try Harness()
        _ = try await harness.kubectl(["apply", "-f", try harness.file("node.yaml", KubectlNodeTests.node)])
        _ = try await harness.kubectl(["apply", "-f", try harness.file("web.yaml", KubectlWorkloadTests.deployment)])
        #expect(try await harness.kubectl(["wait", "--for=jsonpath={.status.replicas}=2", "deployment/web", "--timeout=60s"]).status == 0)

        let node = try await harness.kubectl(["describe", "node", "virtual-1"])
        #expect(node.status == 0 && node.stderr.isEmpty, "\(node)")
        #expect(node.stdout.contains("Name:               virtual-1"), "\(node)")
        #expect(node.stdout.contains("Non-terminated Pods:          (2 in total)"), "\(node)")
        let pods = try await harness.kubectl(["describe", "pods", "-l", "app=web"])
        #expect(pods.status == 0 && pods.stderr.isEmpty, "\(pods)")
        // No kubelet has reported a hostIP yet.
        #expect(pods.stdout.contains("Node:             virtual-1/\n"), "\(pods)")

        let explain = try await harness.kubectl(["explain", "deployments"])
        #expect(explain.status == 0 && explain.stderr.isEmpty, "\(explain)")
        #expect(explain.stdout.contains("KIND:       Deployment"), "\(explain)")
        // Nested fields, through the pod template into the containers' resources.
        let nested = try await harness.kubectl(["explain", "deployments.spec.template.spec.containers.resources"])
        #expect(nested.status == 0 && nested.stderr.isEmpty, "\(nested)")
        #expect(nested.stdout.contains("FIELD: resources <ResourceRequirements>"), "\(nested)")
        #expect(nested.stdout.contains("limits\t<map[string]"), "\(nested)")
        let conditions = try await harness.kubectl(["explain", "nodes.status.conditions.lastHeartbeatTime"])
        #expect(conditions.stdout.contains("FIELD: lastHeartbeatTime <string>"), "\(conditions)")
        let recursive = try await harness.kubectl(["explain", "pods.spec.tolerations", "--recursive"])
        #expect(recursive.status == 0 && recursive.stdout.contains("tolerationSeconds\t<integer>"), "\(recursive)")
        let missing = try await harness.kubectl(["explain", "pods.spec.noSuchField"])
        #expect(missing.status != 0 && missing.stderr.contains(#"field "noSuchField" does not exist"#), "\(missing)")

        // A second apply with a change patches (client-side apply's strategic merge patch).
        let changed = KubectlWorkloadTests.deployment.replacingOccurrences(of: "replicas: 2", with: "replicas: 3")
        let again = try await harness.kubectl(["apply", "-f", try harness.file("web.yaml", changed)])
        #expect(again.stdout == "deployment.apps/web configured\n" && again.stderr.isEmpty, "\(again)")
        let unchanged = try await harness.kubectl(["apply", "-f", try harness.file("web.yaml", changed)])
        #expect(unchanged.stdout == "deployment.apps/web unchanged\n", "\(unchanged)")
        #expect(try await harness.kubectl(["wait", "--for=jsonpath={.status.replicas}=3", "deployment/web", "--timeout=60s"]).status == 0)
        await harness.stop()
    }
}
