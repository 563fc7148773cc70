@testable import ControlPlane
import Foundation
import Kube
import Loop
import Testing

@Suite(.timeLimit(.minutes(2))) @LoopActor struct KubectlTableTests {
    @Test func getPrintsTheServersColumns() async throws {
        let harness = try Harness()
        _ = try await harness.kubectl(["apply", "-f", try harness.file("node.yaml", KubectlNodeTests.node)])
        let nodes = try await harness.kubectl(["get", "nodes"])
        let header = nodes.stdout.split(separator: "\n").first.map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(header == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"], "\(nodes)")
        #expect(nodes.stdout.contains("virtual-1   Ready"), "\(nodes)")

        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n"
        _ = try await harness.kubectl(["apply", "-f", try harness.file("pod.yaml", pod)])
        let wide = try await harness.kubectl(["get", "pods", "-o", "wide"])
        let columns = wide.stdout.split(separator: "\n").first.map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(columns == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE", "READINESS", "GATES"], "\(wide)")
        #expect(wide.stdout.contains("0/1     Pending"), "\(wide)")

        let namespaces = try await harness.kubectl(["get", "namespaces", "--no-headers"])
        #expect(namespaces.stdout.split(separator: "\n").map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
            == ["default Active", "kube-node-lease Active", "kube-public Active", "kube-system Active"], "\(namespaces)")
        await harness.stop()
    }

    @Test func humanDurationsMatchKubectl() {
        let cases: [(Int64, String)] = [
            (0, "0s"), (59, "59s"), (119, "119s"), (125, "2m5s"), (600, "10m"), (7_200, "120m"), (3 * 3600 + 60, "3h1m"),
            (30 * 3600, "30h"), (3 * 86_400 + 3600, "3d1h"), (40 * 86_400, "40d"), (800 * 86_400, "2y70d"),
        ]
        for (seconds, text) in cases { #expect(Tables.humanDuration(seconds) == text, "\(seconds)") }
    }
}
