import Kube
import Loop
@testable import NodeAgent
import Providers
import TestSupport
import Testing

/// Nodes and heartbeats (SPEC §1.2–1.3) against the embedded API server; the agent's timers run on a
/// manual clock.
@Suite(.serialized) @LoopActor struct AgentNodeTests {
    @Test func registersNodesWithTheirLabelsTaintsStatusAndLeases() async throws {
        let harness = try ControlPlaneHarness()
        let clock = ManualClock()
        var configuration = AgentConfiguration.testing(nodes: 3)
        configuration.nodeLabels = ["team": "blue"]
        configuration.kubeletPort = 12345
        let agent = Agent(configuration: configuration, client: harness.client(), provider: MockProvider(), clock: clock, logger: .silent)
        try await agent.start()
        let client = harness.client()
        for name in ["test-node-0", "test-node-1", "test-node-2"] {
            let node = try await client.get(Node.self, name: name)
            let labels = node.metadata.labels ?? [:]
            #expect(labels["type"] == "virtual-kubelet")
            #expect(labels["kubernetes.io/role"] == "agent")
            #expect(labels["kubernetes.io/hostname"] == name)
            #expect(labels["kubernetes.io/os"] == "linux")
            #expect(labels["team"] == "blue")
            #expect(node.spec?.taints == [Taint(key: "virtual-kubelet.io/provider", value: "mock", effect: "NoSchedule")])
            #expect(node.spec?.providerID == "mock://\(name)")
            #expect(node.status?.capacity?["cpu"] == Quantity("20"))
            #expect(node.status?.allocatable?["pods"] == Quantity("110"))
            let ready = node.status?.conditions?.first { $0.type == "Ready" }
            #expect(ready?.status == "True")
            #expect(ready?.reason == "KubeletReady")
            #expect(node.status?.conditions?.count == 5)
            #expect(node.status?.addresses == [NodeAddress(type: "InternalIP", address: "127.0.0.1"), NodeAddress(type: "Hostname", address: name)])
            #expect(node.status?.daemonEndpoints?.kubeletEndpoint?.port == 12345)
            #expect(node.status?.nodeInfo?.kubeletVersion == NodeAgent.kubeletVersion)
            #expect(node.status?.nodeInfo?.operatingSystem == "linux")
            let lease = try await client.get(Lease.self, name: name, namespace: "kube-node-lease")
            #expect(lease.spec?.holderIdentity == name)
            #expect(lease.spec?.leaseDurationSeconds == 40)
            #expect(lease.metadata.ownerReferences?.first?.uid == node.metadata.uid)
        }
        #expect(agent.readyCount == 3)
        #expect(agent.leaseRenewals == 3)

        // Renewals every 10 s (+ up to 4% jitter), the nodes spread over the interval.
        let before = try await client.get(Lease.self, name: "test-node-0", namespace: "kube-node-lease").spec?.renewTime
        clock.advance(by: .seconds(4))
        #expect(await eventually { agent.leaseRenewals == 4 })
        clock.advance(by: .seconds(7))
        #expect(await eventually { agent.leaseRenewals == 6 })
        let after = try await client.get(Lease.self, name: "test-node-0", namespace: "kube-node-lease").spec?.renewTime
        #expect(after != nil && after != before)
        #expect(agent.metrics.leaseRenewals.value(["success"]) == 6)
        await agent.stop()
        await harness.stop()
    }

    @Test func aRenewalIsOnePutAndALeaseChangedByOthersIsReadAgain() async throws {
        let harness = try ControlPlaneHarness()
        let clock = ManualClock()
        let agent = Agent(configuration: .testing(nodes: 1), client: harness.client(), provider: MockProvider(), clock: clock, logger: .silent)
        try await agent.start()
        let client = harness.client()
        let requests = agent.metrics.apiRequests
        // Each renewal sends the kept lease with the resourceVersion read from the last answer: no conflict.
        for renewal in 2...4 {
            clock.advance(by: .seconds(11))
            #expect(await eventually { agent.leaseRenewals == renewal })
        }
        #expect(requests.count(["PUT", "409"]) == 0)
        let renewed = try await client.get(Lease.self, name: "test-node", namespace: "kube-node-lease")

        // An operator labels the lease: the next renewal conflicts, reads it again and keeps the label.
        var labelled = renewed
        labelled.metadata.labels = ["owner": "operator"]
        _ = try await client.update(labelled)
        clock.advance(by: .seconds(11))
        #expect(await eventually { agent.leaseRenewals == 5 })
        #expect(requests.count(["PUT", "409"]) == 1)
        let after = try await client.get(Lease.self, name: "test-node", namespace: "kube-node-lease")
        #expect(after.metadata.labels?["owner"] == "operator")
        #expect(after.spec?.renewTime != renewed.spec?.renewTime)
        #expect(after.spec?.holderIdentity == "test-node")
        await agent.stop()
        await harness.stop()
    }

    @Test func renewalsWaitForTheHeartbeatGridAndCountItAsLateness() async throws {
        let harness = try ControlPlaneHarness()
        let clock = ManualClock(start: LoopInstant(nanoseconds: 100_000_000_000))
        var configuration = AgentConfiguration.testing(nodes: 3)
        configuration.heartbeatGrid = .seconds(1)
        let agent = Agent(configuration: configuration, client: harness.client(), provider: MockProvider(), clock: clock, logger: .silent)
        try await agent.start()
        #expect(agent.leaseRenewals == 3)
        // Node 1 is due 3.33 s after its first renewal (a third of the 10 s interval): it renews at 104 s.
        clock.advance(to: LoopInstant(nanoseconds: 103_900_000_000))
        #expect(clock.nextDeadline == LoopInstant(nanoseconds: 104_000_000_000))
        #expect(agent.leaseRenewals == 3)
        clock.advance(to: LoopInstant(nanoseconds: 104_000_000_000))
        #expect(await eventually { agent.leaseRenewals == 4 })
        let lateness = agent.metrics.leaseLateness.snapshot()
        #expect(lateness.count == 1)
        let median = try #require(lateness.quantile(0.5))
        #expect(median > 0.5 && median <= 1)
        await agent.stop()
        await harness.stop()
    }

    @Test func anOperatorsTaintAndAForeignConditionOutliveStatusUpdates() async throws {
        let harness = try ControlPlaneHarness()
        let client = harness.client()
        // The node exists already, with an operator's taint and label.
        var existing = Node(metadata: ObjectMeta(name: "test-node", labels: ["owner": "ops"]))
        existing.spec = NodeSpec(taints: [Taint(key: "example.com/maintenance", value: "true", effect: "NoSchedule")])
        _ = try await client.create(existing)
        let clock = ManualClock()
        var configuration = AgentConfiguration.testing()
        configuration.statusUpdateFrequency = .seconds(1)
        let agent = Agent(configuration: configuration, client: harness.client(), provider: MockProvider(), clock: clock, logger: .silent)
        try await agent.start()
        // A node-problem-detector condition, written by someone else.
        let problem: JSONValue = [
            "status": ["conditions": [["type": "KernelDeadlock", "status": "False", "reason": "KernelHasNoDeadlock", "message": "kernel has no deadlock"]]]
        ]
        _ = try await client.patch(Node.self, name: "test-node", patch: problem, type: .strategic, subresource: "status")
        let writes = agent.statusWrites
        for round in 1...10 {
            clock.advance(by: .milliseconds(1100))
            #expect(await eventually { agent.statusWrites >= writes + round })
        }
        let node = try await client.get(Node.self, name: "test-node")
        #expect(node.spec?.taints?.contains(Taint(key: "example.com/maintenance", value: "true", effect: "NoSchedule")) == true)
        #expect(node.spec?.taints?.contains(Taint(key: "virtual-kubelet.io/provider", value: "mock", effect: "NoSchedule")) == true)
        #expect(node.metadata.labels?["owner"] == "ops")
        #expect(node.metadata.labels?["type"] == "virtual-kubelet")
        #expect(node.status?.conditions?.contains { $0.type == "KernelDeadlock" && $0.status == "False" } == true)
        #expect(node.status?.conditions?.first { $0.type == "Ready" }?.status == "True")
        await agent.stop()
        await harness.stop()
    }

    @Test func anUnchangedStatusSendsHeartbeatsAndAConditionChangedBySomeoneElseIsWrittenBack() async throws {
        let harness = try ControlPlaneHarness()
        let client = harness.client()
        let clock = ManualClock()
        var configuration = AgentConfiguration.testing()
        configuration.statusUpdateFrequency = .seconds(1)
        let agent = Agent(configuration: configuration, client: harness.client(), provider: MockProvider(), clock: clock, logger: .silent)
        try await agent.start()
        func ready() async throws -> NodeCondition? {
            try await client.get(Node.self, name: "test-node").status?.conditions?.first { $0.type == "Ready" }
        }
        let registered = try #require(try await ready())

        // Nothing changed: the periodic write moves the heartbeat only (times are whole wall-clock seconds).
        clock.advance(by: .milliseconds(1100))
        #expect(await eventually { agent.statusWrites >= 2 })
        let beat = try #require(try await ready())
        #expect(beat.status == "True" && beat.reason == "KubeletReady")
        #expect(beat.lastTransitionTime == registered.lastTransitionTime)
        #expect(try #require(beat.lastHeartbeatTime) >= #require(registered.lastHeartbeatTime))
        let capacity = try await client.get(Node.self, name: "test-node").status?.capacity
        #expect(capacity?["pods"] == Quantity("110"))

        // The node lifecycle controller's verdict, while the agent's lease kept renewing.
        let unknown: JSONValue = [
            "status": ["conditions": [["type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status."]]]
        ]
        _ = try await client.patch(Node.self, name: "test-node", patch: unknown, type: .strategic, subresource: "status")
        let writes = agent.statusWrites
        clock.advance(by: .milliseconds(1100))
        // The heartbeat patch sees the condition differ in the answer, and a whole status follows at once.
        #expect(await eventually { agent.statusWrites >= writes + 2 })
        let back = try #require(try await ready())
        #expect(back.status == "True" && back.reason == "KubeletReady")
        #expect(try #require(back.lastTransitionTime) >= #require(registered.lastTransitionTime))
        await agent.stop()
        await harness.stop()
    }

    @Test func aDeletedNodeIsRegisteredAgainAndExitCanDeleteNodes() async throws {
        let harness = try ControlPlaneHarness()
        let client = harness.client()
        let clock = ManualClock()
        var configuration = AgentConfiguration.testing()
        configuration.deleteNodesOnExit = true
        let agent = Agent(configuration: configuration, client: harness.client(), provider: MockProvider(), clock: clock, logger: .silent)
        try await agent.start()
        try await client.delete(Node.self, name: "test-node")
        agent.nodeStatusChanged("test-node")
        #expect(await eventually { agent.statusWrites >= 2 })
        let node = try await client.get(Node.self, name: "test-node")
        #expect(node.status?.conditions?.first { $0.type == "Ready" }?.status == "True")
        await agent.stop()
        await #expect(throws: KubeError.self) { try await client.get(Node.self, name: "test-node") }
        await harness.stop()
    }

    @Test func aCIDRTooSmallForTheNodesIsOneClearError() async throws {
        let harness = try ControlPlaneHarness()
        var configuration = AgentConfiguration.testing(nodes: 5000)
        configuration.podCIDR = "10.244.0.0/16"
        let agent = Agent(configuration: configuration, client: harness.client(), provider: MockProvider(), logger: .silent)
        await #expect(throws: AgentError.self) { try await agent.start() }
        configuration.podCIDR = "not-a-cidr"
        let other = Agent(configuration: configuration, client: harness.client(), provider: MockProvider(), logger: .silent)
        await #expect(throws: AgentError.self) { try await other.start() }
        await harness.stop()
    }
}
