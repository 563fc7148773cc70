import ControlPlane
import Foundation
import Kube
import Loop
import Testing

@Suite(.timeLimit(.minutes(2))) @LoopActor struct KubectlWorkloadTests {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx:1.25
                resources:
                  requests:
                    cpu: 100m

        """

    @Test func aDeploymentsPodsAreBoundScaledAndDeletedWithIt() async throws {
        let harness = try Harness()
        let node = try await harness.kubectl(["apply", "-f", try harness.file("node.yaml", KubectlNodeTests.node)])
        #expect(node.status == 0, "\(node)")
        let applied = try await harness.kubectl(["apply", "-f", try harness.file("web.yaml", Self.deployment)])
        #expect(applied.stdout == "deployment.apps/web created\n", "\(applied)")

        let two = try await harness.kubectl([
            "wait", "--for=jsonpath={.status.replicas}=2", "deployment/web", "--timeout=60s",
        ])
        #expect(two.status == 0, "\(two)")
        let nodes = try await harness.kubectl(["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.nodeName}"])
        #expect(nodes.stdout == "virtual-1 virtual-1", "\(nodes)")

        let scaled = try await harness.kubectl(["scale", "deployment", "web", "--replicas=3"])
        #expect(scaled.stdout == "deployment.apps/web scaled\n", "\(scaled)")
        let three = try await harness.kubectl(["wait", "--for=jsonpath={.status.replicas}=3", "deployment/web", "--timeout=60s"])
        #expect(three.status == 0, "\(three)")
        let pods = try await harness.kubectl(["get", "pods", "-l", "app=web", "-o", "name"])
        #expect(pods.stdout.split(separator: "\n").count == 3, "\(pods)")
        let replicaSets = try await harness.kubectl(["get", "replicasets", "-o", "name"])
        #expect(replicaSets.stdout.split(separator: "\n").count == 1, "\(replicaSets)")

        let deleted = try await harness.kubectl(["delete", "deployment", "web"])
        #expect(deleted.stdout == "deployment.apps \"web\" deleted\n", "\(deleted)")
        let gone = try await harness.kubectl(["get", "replicasets,pods", "-o", "name"])
        #expect(gone.stdout.isEmpty, "\(gone)")
        await harness.stop()
    }

    /// Pods bound directly by nodeName are counted only when a pod is next scheduled: they still
    /// fill the node, and a pod that finishes frees its place.
    @Test func podsBoundDirectlyCountAgainstTheNode() async throws {
        let harness = try Harness()
        let node = KubectlNodeTests.node.replacingOccurrences(of: "pods: \"110\"", with: "pods: \"1\"")
        _ = try await harness.kubectl(["apply", "-f", try harness.file("node.yaml", node)])
        func pod(_ name: String, nodeName: String?) -> String {
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \(name)\nspec:\n"
                + (nodeName.map { "  nodeName: \($0)\n" } ?? "") + "  containers:\n  - name: c\n    image: busybox\n"
        }
        let bound = try await harness.kubectl(["apply", "-f", try harness.file("bound.yaml", pod("bound", nodeName: "virtual-1"))])
        #expect(bound.status == 0, "\(bound)")
        _ = try await harness.kubectl(["apply", "-f", try harness.file("late.yaml", pod("late", nodeName: nil))])
        let waited = try await harness.kubectl(["wait", "--for=condition=PodScheduled=False", "pod/late", "--timeout=60s"])
        #expect(waited.status == 0, "\(waited)")
        let message = try await harness.kubectl([
            "get", "pod", "late", "-o", "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].message}",
        ])
        #expect(message.stdout == "0/1 nodes are available: 1 Too many pods.", "\(message)")

        let finished = try await harness.kubectl([
            "patch", "pod", "bound", "--subresource=status", "--type=merge", "-p", #"{"status":{"phase":"Succeeded"}}"#,
        ])
        #expect(finished.status == 0, "\(finished)")
        let scheduled = try await harness.kubectl(["wait", "--for=condition=PodScheduled", "pod/late", "--timeout=60s"])
        #expect(scheduled.status == 0, "\(scheduled)")
        await harness.stop()
    }

    @Test func anUnschedulablePodIsExplained() async throws {
        let harness = try Harness()
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: picky
            spec:
              nodeSelector:
                disk: ssd
              containers:
              - name: c
                image: busybox

            """
        let created = try await harness.kubectl(["apply", "-f", try harness.file("pod.yaml", pod)])
        #expect(created.status == 0, "\(created)")
        let waited = try await harness.kubectl([
            "wait", "--for=condition=PodScheduled=False", "pod/picky", "--timeout=60s",
        ])
        #expect(waited.status == 0, "\(waited)")
        let events = try await harness.kubectl([
            "get", "events", "--field-selector", "involvedObject.name=picky", "-o", "jsonpath={.items[*].message}",
        ])
        #expect(events.stdout == "no nodes available to schedule pods", "\(events)")

        // A node that fits arrives: the pod is tried again and bound.
        let node = KubectlNodeTests.node.replacingOccurrences(of: "    type: virtual\n", with: "    type: virtual\n    disk: ssd\n")
        _ = try await harness.kubectl(["apply", "-f", try harness.file("node.yaml", node)])
        let bound = try await harness.kubectl(["wait", "--for=condition=PodScheduled", "pod/picky", "--timeout=60s"])
        #expect(bound.status == 0, "\(bound)")
        let nodeName = try await harness.kubectl(["get", "pod", "picky", "-o", "jsonpath={.spec.nodeName}"])
        #expect(nodeName.stdout == "virtual-1", "\(nodeName)")
        await harness.stop()
    }
}
