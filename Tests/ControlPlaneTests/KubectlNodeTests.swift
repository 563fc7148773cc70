import ControlPlane
import Foundation
import Kube
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(2))) @LoopActor struct KubectlNodeTests {
    static let node = """
        apiVersion: v1
        kind: Node
        metadata:
          name: virtual-1
          labels:
            type: virtual
        status:
          conditions:
          - type: Ready
            status: "True"
            reason: KubeletReady
            message: ready
          addresses:
          - type: InternalIP
            address: 127.0.0.1
          capacity:
            cpu: "4"
            memory: 8Gi
            pods: "110"
          allocatable:
            cpu: "4"
            memory: 8Gi
            pods: "110"

        """

    @Test func cordonTaintLabelAndPatchANode() async throws {
        let harness = try Harness()
        let created = try await harness.kubectl(["apply", "-f", try harness.file("node.yaml", Self.node)])
        #expect(created.status == 0 && created.stderr.isEmpty, "\(created)")
        #expect(created.stdout == "node/virtual-1 created\n", "\(created)")

        let cordoned = try await harness.kubectl(["cordon", "virtual-1"])
        #expect(cordoned.stdout == "node/virtual-1 cordoned\n", "\(cordoned)")
        let tainted = try await harness.kubectl(["taint", "node", "virtual-1", "dedicated=infra:NoSchedule"])
        #expect(tainted.stdout == "node/virtual-1 tainted\n", "\(tainted)")
        let labelled = try await harness.kubectl(["label", "node", "virtual-1", "zone=a"])
        #expect(labelled.stdout == "node/virtual-1 labeled\n", "\(labelled)")
        let annotated = try await harness.kubectl(["annotate", "node", "virtual-1", "note=hello"])
        #expect(annotated.stdout == "node/virtual-1 annotated\n", "\(annotated)")
        let merged = try await harness.kubectl(["patch", "node", "virtual-1", "--type=merge", "-p", #"{"metadata":{"labels":{"type":null}}}"#])
        #expect(merged.status == 0, "\(merged)")
        let json = try await harness.kubectl(["patch", "node", "virtual-1", "--type=json", "-p", #"[{"op":"add","path":"/metadata/labels/rack","value":"r1"}]"#])
        #expect(json.status == 0, "\(json)")

        let fetched = try await harness.kubectl(["get", "node", "virtual-1", "-o", "json"])
        let node = try JSONValue(parsing: fetched.stdout)
        #expect(node["spec"]?["unschedulable"] == true)
        let taints = node["spec"]?["taints"]?.arrayValue ?? []
        #expect(taints.contains { $0["key"] == "dedicated" && $0["value"] == "infra" && $0["effect"] == "NoSchedule" })
        #expect(node["metadata"]?["labels"] == ["zone": "a", "rack": "r1"])
        #expect(node["metadata"]?["annotations"]?["note"] == "hello")

        let uncordoned = try await harness.kubectl(["uncordon", "virtual-1"])
        #expect(uncordoned.stdout == "node/virtual-1 uncordoned\n", "\(uncordoned)")
        let untainted = try await harness.kubectl(["taint", "node", "virtual-1", "dedicated-"])
        #expect(untainted.stdout == "node/virtual-1 untainted\n", "\(untainted)")
        await harness.stop()
    }

    @Test func getWatchReceivesEvents() async throws {
        let harness = try Harness()
        let one = try harness.file("one.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n")
        #expect(try await harness.kubectl(["create", "-f", one]).status == 0)
        // kubectl lists (printing "one") and then watches: "two", created after that, can only come by the watch.
        let watch = try BackgroundKubectl(harness, ["get", "configmaps", "-w", "-o", "name"])
        #expect(await eventually { watch.output.contains("configmap/one") })
        let two = try harness.file("two.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n")
        #expect(try await harness.kubectl(["create", "-f", two]).status == 0)
        #expect(await eventually { watch.output.contains("configmap/two") }, "\(watch.output)")
        watch.stop()
        await harness.stop()
    }

}
