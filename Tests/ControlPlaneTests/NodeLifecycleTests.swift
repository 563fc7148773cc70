import ControlPlane
import Foundation
import Kube
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(2))) @LoopActor struct NodeLifecycleTests {
    @Test func taintsFollowReadyAndSilentNodesBecomeUnknown() async throws {
        // Wall time is the test's: a node goes silent when the test moves the time on.
        let now = Locked(Time(seconds: 1_800_000_000))
        let harness = try Harness {
            $0.now = { now.withLock { $0 } }
            $0.nodeMonitorPeriod = .milliseconds(20)
            $0.nodeMonitorGracePeriod = .seconds(40)
        }
        let stamp = now.withLock { $0 }.rfc3339
        let node = KubectlNodeTests.node.replacingOccurrences(
            of: "    message: ready\n", with: "    message: ready\n    lastHeartbeatTime: \"\(stamp)\"\n")
        _ = try await harness.kubectl(["apply", "-f", try harness.file("node.yaml", node)])
        let taints = { @LoopActor () async throws -> String in
            try await harness.kubectl(["get", "node", "virtual-1", "-o", "jsonpath={.spec.taints[*].key}"]).stdout
        }
        // Created Ready: the not-ready taint admission added is lifted.
        var lifted = false
        for _ in 0..<50 where !lifted { lifted = try await taints().isEmpty }
        #expect(lifted)

        now.withLock { $0 = $0 + .seconds(41) }
        var unreachable = ""
        for _ in 0..<50 where !unreachable.contains("unreachable") { unreachable = try await taints() }
        #expect(unreachable == "node.kubernetes.io/unreachable node.kubernetes.io/unreachable", "\(unreachable)")
        let ready = try await harness.kubectl([
            "get", "node", "virtual-1", "-o", #"jsonpath={.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="Ready")].reason}"#,
        ])
        #expect(ready.stdout == "Unknown NodeStatusUnknown", "\(ready)")
        await harness.stop()
    }
}
