import Kube
import Loop
@testable import NodeAgent
import Providers
import TestSupport
import Testing

/// Pods (SPEC §1.4) against the embedded API server with the mock provider.
@Suite(.serialized) @LoopActor struct AgentPodTests {
    @Test func podsRunWithUniqueIPsFromTheirNodesCIDRAndEvents() async throws {
        let harness = try ControlPlaneHarness()
        let client = harness.client()
        let provider = MockProvider()
        let agent = Agent(configuration: .testing(nodes: 2), client: harness.client(), provider: provider, clock: ManualClock(), logger: .silent)
        try await agent.start()
        for index in 0..<20 { _ = try await client.create(boundPod("web-\(index)", node: "test-node-\(index % 2)")) }
        var host = boundPod("host", node: "test-node-1")
        host.spec?.hostNetwork = true
        _ = try await client.create(host)
        var pods: [Pod] = []
        #expect(await eventually {
            pods = agent.pods(on: nil)
            return pods.count == 21 && pods.allSatisfy { $0.status?.phase == "Running" && $0.status?.podIP != nil }
        })
        let ips = pods.filter { $0.spec?.hostNetwork != true }.compactMap(\.status?.podIP)
        #expect(Set(ips).count == 20)
        // 10.244.0.0/16 split in two: node 0 takes 10.244.0.0/17, node 1 10.244.128.0/17.
        for pod in pods where pod.spec?.hostNetwork != true {
            let third = Int(pod.status?.podIP?.split(separator: ".")[2] ?? "") ?? -1
            #expect(pod.spec?.nodeName == "test-node-0" ? third < 128 : third >= 128)
            #expect(pod.status?.hostIP == "127.0.0.1")
            #expect(pod.status?.podIPs == [PodIP(ip: pod.status?.podIP)])
            #expect(pod.status?.conditions?.first { $0.type == "Ready" }?.status == "True")
            #expect(pod.status?.containerStatuses?.first?.ready == true)
        }
        #expect(pods.first { $0.metadata.name == "host" }?.status?.podIP == "127.0.0.1")
        #expect(provider.createCount == 21)
        #expect(agent.pods(on: "test-node-0").count == 10)
        #expect(agent.node(ofPod: "default", "web-3") == "test-node-1")
        #expect(agent.node(ofPod: "default", "nope") == nil)
        // The kubelet's events, from node-agent on the pod's node.
        #expect(await eventually { agent.eventsWritten >= 21 * 3 })
        let events = try await client.listAll(Event.self, namespace: "default").items.filter { $0.involvedObject?.name == "web-0" }
        #expect(Set(events.compactMap(\.reason)) == ["Pulled", "Created", "Started"])
        #expect(events.allSatisfy { $0.source == EventSource(component: "node-agent", host: "test-node-0") })
        #expect(events.first?.involvedObject?.fieldPath == "spec.containers{app}")
        // Nothing is written again once the status is right.
        let writes = agent.metrics.apiRequests.count(["PATCH", "200"])
        agent.podChanged(namespace: "default", name: "web-0")
        #expect(await eventually { agent.isSettled })
        #expect(agent.metrics.apiRequests.count(["PATCH", "200"]) == writes)
        await agent.stop()
        await harness.stop()
    }

    @Test func deletionStopsThePodThenRemovesTheObject() async throws {
        let harness = try ControlPlaneHarness()
        let client = harness.client()
        let provider = MockProvider()
        let agent = Agent(configuration: .testing(), client: harness.client(), provider: provider, clock: ManualClock(), logger: .silent)
        try await agent.start()
        let created = try await client.create(boundPod("doomed", node: "test-node"))
        #expect(await eventually { agent.pods(on: nil).first?.status?.phase == "Running" })
        try await client.delete(Pod.self, name: "doomed", namespace: "default")
        #expect(await eventually { agent.pods(on: nil).isEmpty })
        #expect(try await provider.pod(namespace: "default", name: "doomed") == nil)
        await #expect(throws: KubeError.self) { try await client.get(Pod.self, name: "doomed", namespace: "default") }
        #expect(await eventually { agent.eventsWritten >= 4 })
        let killing = try await client.listAll(Event.self, namespace: "default").items.filter { $0.reason == "Killing" }
        #expect(killing.first?.involvedObject?.uid == created.metadata.uid)
        // Its IP goes back to the pool.
        _ = try await client.create(boundPod("next", node: "test-node"))
        #expect(await eventually { agent.pods(on: nil).first?.status?.podIP == "10.244.0.3" })
        await agent.stop()
        await harness.stop()
    }

    @Test func aRestartAdoptsEveryPodAndRecreatesNone() async throws {
        let harness = try ControlPlaneHarness()
        let client = harness.client()
        let provider = MockProvider()
        let first = Agent(configuration: .testing(nodes: 2), client: harness.client(), provider: provider, clock: ManualClock(), logger: .silent)
        try await first.start()
        for index in 0..<6 { _ = try await client.create(boundPod("p\(index)", node: "test-node-\(index % 2)")) }
        #expect(await eventually { first.pods(on: nil).filter { $0.status?.phase == "Running" }.count == 6 })
        let before = Dictionary(uniqueKeysWithValues: first.pods(on: nil).map { ($0.metadata.name ?? "", $0.metadata.uid ?? "") })
        let ips = Set(first.pods(on: nil).compactMap(\.status?.podIP))
        await first.stop()
        // While the agent is down, one pod is force-deleted from the cluster.
        try await client.delete(Pod.self, name: "p5", namespace: "default", options: DeleteOptions(gracePeriodSeconds: 0))
        let second = Agent(configuration: .testing(nodes: 2), client: harness.client(), provider: provider, clock: ManualClock(), logger: .silent)
        try await second.start()
        #expect(await eventually { second.isSettled })
        #expect(provider.createCount == 6)
        #expect(try await provider.pods().count == 5)
        let after = second.pods(on: nil)
        #expect(after.count == 5)
        #expect(after.allSatisfy { before[$0.metadata.name ?? ""] == $0.metadata.uid && $0.status?.phase == "Running" })
        #expect(Set(after.compactMap(\.status?.podIP)).isSubset(of: ips))
        // A new pod gets an address no adopted pod holds.
        _ = try await client.create(boundPod("p6", node: "test-node-0"))
        #expect(await eventually { second.pods(on: nil).first { $0.metadata.name == "p6" }?.status?.podIP != nil })
        let all = second.pods(on: nil).compactMap(\.status?.podIP)
        #expect(Set(all).count == all.count)
        await second.stop()
        await harness.stop()
    }

    @Test func podsOfOtherNodesAndOtherNamespacesAreLeftAlone() async throws {
        let harness = try ControlPlaneHarness()
        let client = harness.client()
        _ = try await client.create(Namespace(metadata: ObjectMeta(name: "team")))
        let provider = MockProvider()
        var configuration = AgentConfiguration.testing(nodes: 2)
        configuration.namespace = "team"
        let agent = Agent(configuration: configuration, client: harness.client(), provider: provider, clock: ManualClock(), logger: .silent)
        try await agent.start()
        _ = try await client.create(boundPod("elsewhere", node: "real-node", namespace: "team"))
        _ = try await client.create(boundPod("other-namespace", node: "test-node-0"))
        _ = try await client.create(boundPod("mine", node: "test-node-1", namespace: "team"))
        #expect(await eventually { provider.createCount == 1 && agent.isSettled })
        #expect(try await provider.pods().map(\.pod.metadata.name) == ["mine"])
        await agent.stop()
        await harness.stop()
    }
}

extension AgentPodTests {
    @Test func aPodStartsInOneReconcileAndOnlyOthersChangesQueueMore() async throws {
        let harness = try ControlPlaneHarness()
        let client = harness.client()
        let agent = Agent(configuration: .testing(), client: harness.client(), provider: MockProvider(), clock: ManualClock(), logger: .silent)
        try await agent.start()
        func reconciles() -> Double { agent.metrics.reconciles.value(["success"]) + agent.metrics.reconciles.value(["error"]) }
        _ = try await client.create(boundPod("echo", node: "test-node"))
        // Running in the informer's copy: the echo of the status write has arrived.
        #expect(await eventually { agent.pods(on: nil).first?.status?.phase == "Running" && agent.isSettled })
        // One reconcile, for the pod's ADDED event. The mock provider's notice that the pod started
        // came while it was being created, and the MODIFIED event of the status write echoes the agent.
        #expect(reconciles() == 1)
        let writes = agent.metrics.apiRequests.count(["PATCH", "200"])
        _ = try await client.patch(Pod.self, name: "echo", namespace: "default", patch: ["metadata": ["labels": ["touched": "yes"]]], type: .merge)
        #expect(await eventually { reconciles() == 2 && agent.isSettled })
        // A notice the provider sends later does queue one.
        agent.podChanged(namespace: "default", name: "echo")
        #expect(await eventually { reconciles() == 3 && agent.isSettled })
        #expect(agent.metrics.apiRequests.count(["PATCH", "200"]) == writes)
        await agent.stop()
        await harness.stop()
    }

    @Test func metricsCountPodsAndReconciles() async throws {
        let harness = try ControlPlaneHarness()
        let client = harness.client()
        let agent = Agent(configuration: .testing(), client: harness.client(), provider: MockProvider(), clock: ManualClock(), logger: .silent)
        try await agent.start()
        for index in 0..<3 { _ = try await client.create(boundPod("m\(index)", node: "test-node")) }
        #expect(await eventually { agent.pods(on: nil).filter { $0.status?.phase == "Running" }.count == 3 && agent.isSettled })
        #expect(agent.metrics.pods.value() == 3)
        #expect(agent.podPhases == ["Running": 3])
        try await client.delete(Pod.self, name: "m0", namespace: "default")
        #expect(await eventually { agent.metrics.pods.value() == 2 })
        #expect(agent.podPhases == ["Running": 2])
        let text = agent.metrics.registry.render()
        #expect(text.contains("node_agent_nodes 1\n"))
        #expect(text.contains("node_agent_nodes_ready 1\n"))
        #expect(text.contains("node_agent_pods 2\n"))
        #expect(text.contains(#"node_agent_lease_renewals_total{result="success"} 1"#))
        #expect(text.contains(#"node_agent_api_request_duration_seconds_count{verb="POST",code="201"}"#))
        #expect(text.contains("node_agent_pod_reconcile_queue_depth 0\n"))
        await agent.stop()
        await harness.stop()
    }
}
