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

    /// A lease keeps its node Ready for the grace period after its renewTime (counted in whole
    /// seconds, as the fraction is dropped), however old the node's own heartbeat.
    @Test func aLeaseKeepsItsNodeReadyForTheGracePeriod() async throws {
        let start = Time(seconds: 1_800_000_000)
        let now = Locked(start)
        let harness = try Harness {
            $0.now = { now.withLock { $0 } }
            $0.nodeMonitorPeriod = .milliseconds(20)
            $0.nodeMonitorGracePeriod = .seconds(40)
        }
        let renewTime = MicroTime(seconds: start.seconds, nanoseconds: 500_000_000).rfc3339
        let lease = """
            apiVersion: coordination.k8s.io/v1
            kind: Lease
            metadata: {name: virtual-1, namespace: kube-node-lease}
            spec: {holderIdentity: virtual-1, leaseDurationSeconds: 40, renewTime: "\(renewTime)"}

            """
        _ = try await harness.kubectl(["apply", "-f", try harness.file("lease.yaml", lease)])
        let stale = (start - .seconds(100)).rfc3339
        let node = KubectlNodeTests.node.replacingOccurrences(
            of: "    message: ready\n", with: "    message: ready\n    lastHeartbeatTime: \"\(stale)\"\n")
        _ = try await harness.kubectl(["apply", "-f", try harness.file("node.yaml", node)])
        let ready = { @LoopActor () async throws -> String in
            try await harness.kubectl([
                "get", "node", "virtual-1", "-o", #"jsonpath={.status.conditions[?(@.type=="Ready")].status}"#,
            ]).stdout
        }
        #expect(try await ready() == "True")

        // 40 s after the renewal's second: still fresh, over many passes of the monitor.
        now.withLock { $0 = start + .seconds(40) }
        for _ in 0..<5 { #expect(try await ready() == "True") }

        now.withLock { $0 = start + .seconds(41) }
        var status = ""
        for _ in 0..<50 where status != "Unknown" { status = try await ready() }
        #expect(status == "Unknown")
        await harness.stop()
    }
}
