import Kube
import Loop
@testable import NodeAgent
import Providers
import TestSupport
import Testing

/// The kubemark provider under the agent, against the embedded API server: the agent and the provider
/// share one manual clock, so flapping and pod lifecycles run on the test's time.
@Suite(.serialized) @LoopActor struct KubemarkAgentTests {
    @Test func aKubemarkNodeFlapsWhileItsLeaseRenewsAndItsPodsRunThroughTheAPI() async throws {
        let harness = try ControlPlaneHarness()
        let client = harness.client()
        let clock = ManualClock()
        let start = clock.now
        var kubemark = KubemarkConfiguration()
        kubemark.turnUnhealthyPeriodically = true
        kubemark.healthyDuration = .seconds(30)
        kubemark.unhealthyDuration = .seconds(20)
        kubemark.pods.startupDelay = .seconds(2)
        var configuration = AgentConfiguration.testing()
        configuration.providerName = "kubemark"
        configuration.noSchedule = true
        configuration.leaseDurationSeconds = 4
        let agent = Agent(
            configuration: configuration, client: harness.client(), provider: KubemarkProvider(configuration: kubemark, clock: clock),
            clock: clock, logger: .silent)
        try await agent.start()
        func advance(to seconds: Int) { clock.advance(to: start + .seconds(seconds)) }
        func ready() async throws -> NodeCondition? {
            try await client.get(Node.self, name: "test-node").status?.conditions?.first { $0.type == "Ready" }
        }
        func pod(_ name: String) async throws -> Pod { try await client.get(Pod.self, name: name, namespace: "default") }

        let node = try await client.get(Node.self, name: "test-node")
        #expect(node.spec?.taints == [
            Taint(key: "virtual-kubelet.io/provider", value: "kubemark", effect: "NoSchedule"),
            Taint(key: "kubemark", value: "true", effect: "NoSchedule"),
        ])
        #expect(node.spec?.providerID == "kubemark://test-node")
        #expect(node.metadata.labels?["node.kubernetes.io/instance-type"] == "kubemark")
        #expect(node.status?.capacity == ["cpu": "1", "memory": "3840Mi", "pods": "110"])
        #expect(try await ready()?.reason == "KubeletReady")
        let firstRenewal = try await client.get(Lease.self, name: "test-node", namespace: "kube-node-lease").spec?.renewTime

        // A pod that runs 5 s, and one that does too but is always restarted.
        var job = boundPod("job", node: "test-node")
        job.metadata.annotations = ["node-agent.io/run-seconds": "5"]
        job.spec?.restartPolicy = "Never"
        var looping = boundPod("looping", node: "test-node")
        looping.metadata.annotations = ["node-agent.io/run-seconds": "5"]
        _ = try await client.create(job)
        _ = try await client.create(looping)
        #expect(await eventually { try await pod("job").status?.phase == "Pending" })
        var status = try #require(try await pod("job").status)
        #expect(status.containerStatuses?.first?.state?.waiting?.reason == "ContainerCreating")
        #expect(status.conditions?.first { $0.type == "Ready" }?.reason == "ContainersNotReady")
        #expect(status.hostIP == "127.0.0.1" && status.podIP != nil)

        // Two seconds at a time, each step one lease renewal (every second, renewed from when the
        // last one completed): the lease keeps renewing through every state of the node.
        for second in stride(from: 2, through: 50, by: 2) {
            advance(to: second)
            #expect(await eventually { agent.leaseRenewals == 1 + second / 2 }, "at \(second) s")
            switch second {
            case 2:
                #expect(await eventually { try await pod("job").status?.phase == "Running" })
                status = try #require(try await pod("job").status)
                #expect(status.containerStatuses?.first?.state?.running != nil && status.containerStatuses?.first?.ready == true)
                #expect(await eventually {
                    try await client.listAll(Event.self, namespace: "default").items.contains {
                        $0.involvedObject?.name == "job" && $0.reason == "Started"
                    }
                })
            case 8:
                // The job ran 2 s … 7 s; the always-restarted pod restarted at once at 7 s.
                #expect(await eventually { try await pod("job").status?.phase == "Succeeded" })
                status = try #require(try await pod("job").status)
                #expect(status.containerStatuses?.first?.state?.terminated?.exitCode == 0)
                #expect(status.containerStatuses?.first?.state?.terminated?.reason == "Completed")
                #expect(await eventually { try await pod("looping").status?.containerStatuses?.first?.restartCount == 1 })
            case 12:
                // Its second exit waits the back-off: the kubelet's warning.
                #expect(await eventually {
                    try await pod("looping").status?.containerStatuses?.first?.state?.waiting?.reason == "CrashLoopBackOff"
                })
                #expect(await eventually {
                    try await client.listAll(Event.self, namespace: "default").items.contains {
                        $0.involvedObject?.name == "looping" && $0.reason == "BackOff" && $0.type == "Warning"
                            && $0.message?.hasPrefix("Back-off restarting failed container app in pod looping_default(") == true
                    }
                })
            case 28, 50:
                // Ready for 30 s, NotReady for 20 s, Ready again.
                #expect(await eventually { try await ready()?.reason == "KubeletReady" })
            case 30, 48:
                #expect(await eventually { try await ready()?.status == "False" })
                let notReady = try #require(try await ready())
                #expect(notReady.reason == "KubeletNotReady")
                #expect(notReady.message == "container runtime is down: runtime health check failed")
            default:
                break
            }
        }
        let lastRenewal = try await client.get(Lease.self, name: "test-node", namespace: "kube-node-lease").spec?.renewTime
        #expect(lastRenewal != nil && lastRenewal != firstRenewal)
        #expect(agent.metrics.leaseRenewals.value(["failure"]) == 0)
        await agent.stop()
        await harness.stop()
    }
}
