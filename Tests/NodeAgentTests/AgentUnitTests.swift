import Kube
import Loop
@testable import NodeAgent
import TestSupport
import Testing

@Suite struct PodAddressTests {
    @Test func splitsTheClusterCIDRPerNode() throws {
        let network = try #require(IPv4Network("10.244.0.0/16"))
        #expect(network.subnet(0, of: 3)?.description == "10.244.0.0/18")
        #expect(network.subnet(2, of: 3)?.description == "10.244.128.0/18")
        #expect(network.subnet(999, of: 1000)?.description == "10.244.249.192/26")
        #expect(network.subnet(0, of: 1 << 17) == nil)
        #expect(IPv4Network("10.244.0.0") == nil)
        #expect(IPv4Network("10.244.0.300/16") == nil)
        #expect(IPv4Network("10.244.7.9/16")?.description == "10.244.0.0/16")
    }

    @Test func handsOutUniqueAddressesAndReusesReleasedOnes() throws {
        var addresses = PodAddresses(network: try #require(IPv4Network("10.0.0.0/29")))
        // .0 is the network, .1 the node's bridge, .7 the broadcast: five pods fit.
        let given = (0..<5).map { addresses.allocate(for: "ns/pod-\($0)") }
        #expect(given == ["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"])
        let full = addresses.allocate(for: "ns/pod-5")
        #expect(full == nil)
        let again = addresses.allocate(for: "ns/pod-3")
        #expect(again == "10.0.0.5")
        addresses.release("ns/pod-1")
        let reused = addresses.allocate(for: "ns/pod-5")
        #expect(reused == "10.0.0.3")
        let outside = addresses.reserve("10.1.0.9", for: "ns/other")
        let taken = addresses.reserve("10.0.0.2", for: "ns/other")
        #expect(!outside && !taken)
    }
}

@Suite struct ConfigurationParsingTests {
    @Test func parsesTaintsAsTheFlagTakesThem() {
        #expect(AgentConfiguration.parseTaint("dedicated=gpu:NoSchedule") == Taint(key: "dedicated", value: "gpu", effect: "NoSchedule"))
        #expect(AgentConfiguration.parseTaint("spot:PreferNoSchedule") == Taint(key: "spot", effect: "PreferNoSchedule"))
        #expect(AgentConfiguration.parseTaint("a=b:Sometimes") == nil)
        #expect(AgentConfiguration.parseTaint("=b:NoSchedule") == nil)
        #expect(AgentConfiguration.parseTaint("nocolon") == nil)
    }

    @Test func defaultTaintNamesTheProvider() {
        var configuration = AgentConfiguration()
        configuration.providerName = "kubemark"
        #expect(configuration.effectiveTaints == [Taint(key: "virtual-kubelet.io/provider", value: "kubemark", effect: "NoSchedule")])
        configuration.disableTaint = true
        #expect(configuration.effectiveTaints.isEmpty)
    }

    @Test func noScheduleAddsKubemarksTaintToTheOthers() {
        let kubemark = Taint(key: "kubemark", value: "true", effect: "NoSchedule")
        var configuration = AgentConfiguration()
        configuration.providerName = "kubemark"
        configuration.noSchedule = true
        #expect(configuration.effectiveTaints == [Taint(key: "virtual-kubelet.io/provider", value: "kubemark", effect: "NoSchedule"), kubemark])
        configuration.taints = [Taint(key: "dedicated", value: "gpu", effect: "NoExecute"), kubemark]
        #expect(configuration.effectiveTaints == [Taint(key: "dedicated", value: "gpu", effect: "NoExecute"), kubemark])
        // --disable-taint drops the configured taints, not the one --no-schedule asks for.
        configuration.disableTaint = true
        #expect(configuration.effectiveTaints == [kubemark])
        configuration.noSchedule = false
        #expect(configuration.effectiveTaints.isEmpty)
    }

    @Test func namesNodesByCount() {
        var configuration = AgentConfiguration()
        #expect(configuration.nodeNames == ["virtual-kubelet"])
        configuration.nodeCount = 3
        #expect(configuration.nodeNames == ["virtual-kubelet-0", "virtual-kubelet-1", "virtual-kubelet-2"])
    }

    @Test func parsesLabelsAndGoDurations() {
        #expect(AgentConfiguration.parseLabels("a=1,b=") == ["a": "1", "b": ""])
        #expect(AgentConfiguration.parseLabels("a") == nil)
        #expect(GoDuration.parse("1m30s") == .seconds(90))
        #expect(GoDuration.parse("500ms") == .milliseconds(500))
        #expect(GoDuration.parse("1.5h") == .seconds(5400))
        #expect(GoDuration.parse("0") == .zero)
        #expect(GoDuration.parse("10") == nil)
        #expect(GoDuration.parse("5x") == nil)
    }
}

@Suite struct NodeTemplateTests {
    @Test func conditionsKeepTheirTransitionTimeWhileTheirStatusHolds() {
        let template = NodeTemplate(name: "n", configuration: AgentConfiguration(), reported: ProviderNode(capacity: [:]))
        let earlier = Time(seconds: 1_000)
        let now = Time(seconds: 2_000)
        let previous = [
            NodeCondition(type: "Ready", status: "True", lastTransitionTime: earlier),
            NodeCondition(type: "MemoryPressure", status: "True", lastTransitionTime: earlier),
        ]
        let conditions = template.status(previous: previous, at: now).conditions ?? []
        #expect(conditions.map(\.type) == ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"])
        #expect(conditions[0].lastTransitionTime == earlier)
        #expect(conditions[0].reason == "KubeletReady")
        #expect(conditions[1].lastTransitionTime == now)
        #expect(conditions.allSatisfy { $0.lastHeartbeatTime == now })
    }

    @Test func theHeartbeatPatchNamesEveryConditionByTypeWithItsTimeOnly() {
        let reported = ProviderNode(capacity: [:], conditions: [
            NodeCondition(type: "Ready", status: "False", reason: "KubeletNotReady", message: "runtime down"),
            NodeCondition(type: "KernelDeadlock", status: "False"),
        ])
        let template = NodeTemplate(name: "n", configuration: AgentConfiguration(), reported: reported)
        let now = Time(seconds: 2_000)
        let stamp = JSONValue.string(now.rfc3339)
        #expect(template.heartbeatPatch(at: now) == ["status": ["conditions": [
            ["type": "Ready", "lastHeartbeatTime": stamp], ["type": "MemoryPressure", "lastHeartbeatTime": stamp],
            ["type": "DiskPressure", "lastHeartbeatTime": stamp], ["type": "PIDPressure", "lastHeartbeatTime": stamp],
            ["type": "NetworkUnavailable", "lastHeartbeatTime": stamp], ["type": "KernelDeadlock", "lastHeartbeatTime": stamp],
        ]]])
        let written = template.status(previous: [], at: now).conditions ?? []
        #expect(!template.differs(from: written))
        var changed = written
        changed[0].status = "Unknown"
        #expect(template.differs(from: changed))
        #expect(template.differs(from: Array(written.dropLast())))
    }
}

@Suite @LoopActor struct PodSharingTests {
    private func pod(_ name: String, node: String = "n", image: String = "registry.example/image:1") -> Pod {
        var pod = Pod(
            metadata: ObjectMeta(name: name, namespace: "ns", labels: ["app": "a"]),
            spec: PodSpec(containers: [Container(name: "c", image: image)], nodeName: node))
        pod.status = PodStatus(phase: "Pending")
        return pod
    }

    /// A copy as decoding makes it: equal, in storage of its own.
    private func decoded(_ pod: Pod) throws -> Pod { try JSONValue(encoding: pod).decode(as: Pod.self) }

    @Test func aNewVersionKeepsTheOldOnesEqualPartsAndTakesTheChangedOnes() throws {
        let sharing = PodSharing()
        var old = pod("p")
        sharing.share(nil, &old)
        var new = try decoded(old)
        new.metadata.resourceVersion = "2"
        new.status = PodStatus(phase: "Running")
        var kept = new
        sharing.share(old, &kept)
        #expect(kept == new)
        // The same storage, not an equal copy: the spec is held once however many copies are made.
        #expect(kept.$spec.isShared(with: old.$spec))
        #expect(!new.$spec.isShared(with: old.$spec))
        let labels = { (pod: Pod) in pod.metadata.labels.map { unsafeBitCast($0, to: UnsafeRawPointer.self) } }
        #expect(labels(kept) == labels(old))

        new.spec?.containers?[0].image = "registry.example/image:2"
        new.metadata.labels = ["app": "b"]
        var changed = new
        sharing.share(old, &changed)
        #expect(changed.spec?.containers?[0].image == "registry.example/image:2")
        #expect(changed.metadata.labels == ["app": "b"])
    }

    @Test func podsWithEqualSpecsShareOneAndOthersKeepTheirOwn() throws {
        let sharing = PodSharing()
        var first = pod("a")
        sharing.share(nil, &first)
        var second = try decoded(pod("b"))
        sharing.share(nil, &second)
        #expect(second.$spec.isShared(with: first.$spec))
        #expect(second.metadata.name == "b")

        var elsewhere = pod("c", node: "m")
        var otherImage = pod("d", image: "registry.example/image:2")
        sharing.share(nil, &elsewhere)
        sharing.share(nil, &otherImage)
        #expect(!elsewhere.$spec.isShared(with: first.$spec))
        #expect(!otherImage.$spec.isShared(with: first.$spec))
        #expect(elsewhere.spec?.nodeName == "m")
        #expect(otherImage.spec?.containers?[0].image == "registry.example/image:2")
    }

    @Test func runningPodsShareTheirStatusesCommonStringsAndConditions() throws {
        let sharing = PodSharing()
        let started = Time(seconds: 1_800_000_000)
        func running(_ name: String) throws -> Pod {
            var pod = pod(name)
            pod.metadata.namespace = "a-namespace-longer-than-15"
            pod.metadata.uid = "4f9c1d2e-\(name)-0000-0000-000000000000"
            var status = PodStatus(phase: "Running", conditions: ["Initialized", "Ready"].map {
                PodCondition(type: $0, status: "True", lastTransitionTime: started)
            })
            status.hostIP = "fd00:1234:5678::100"
            status.containerStatuses = [ContainerStatus(name: "c", image: "registry.example/image:1", imageID: "registry.example/image@sha256:0123")]
            pod.status = status
            return try decoded(pod)
        }
        var first = try running("a")
        var second = try running("b")
        sharing.share(nil, &first)
        sharing.share(nil, &second)
        func storage(_ text: String?) -> UnsafeRawPointer? {
            var text = text
            return text?.withUTF8 { UnsafeRawPointer($0.baseAddress) }
        }
        #expect(storage(second.metadata.namespace) == storage(first.metadata.namespace))
        #expect(storage(second.status?.hostIP) == storage(first.status?.hostIP))
        #expect(storage(second.status?.containerStatuses?[0].imageID) == storage(first.status?.containerStatuses?[0].imageID))
        let conditions = { (pod: Pod) in pod.status?.conditions?.withUnsafeBufferPointer { $0.baseAddress } }
        #expect(conditions(second) == conditions(first))

        // The next version of a pod keeps the uid it had.
        var next = try decoded(first)
        next.metadata.resourceVersion = "3"
        next.metadata.uid = first.metadata.uid.map { String(decoding: Array($0.utf8), as: UTF8.self) }
        #expect(storage(next.metadata.uid) != storage(first.metadata.uid))
        sharing.share(first, &next)
        #expect(storage(next.metadata.uid) == storage(first.metadata.uid))
        #expect(next == { var pod = first; pod.metadata.resourceVersion = "3"; return pod }())
    }

    @Test func specsNoPodHoldsAreDroppedAsTheTableGrows() {
        let sharing = PodSharing()
        var kept: [Pod] = []
        for index in 0..<3000 {
            var pod = pod("p\(index)", node: "n\(index)")
            sharing.share(nil, &pod)
            // One pod in ten stays; the others are gone at once, as deleted pods are.
            if index % 10 == 0 { kept.append(pod) }
        }
        #expect(sharing.specCount < 1024 + 300)
        #expect(sharing.specCount >= kept.count)
        // A spec still held is still shared.
        var again = pod("again", node: "n0")
        sharing.share(nil, &again)
        #expect(again.$spec.isShared(with: kept[0].$spec))
    }
}

@Suite @LoopActor struct ReconcileQueueTests {
    @Test func runsAKeyOnceAtATimeAndOnceMoreWhenAddedWhileRunning() async {
        let clock = ManualClock()
        let gate = AsyncGate()
        var runs: [String] = []
        let queue = ReconcileQueue(workers: 4, clock: clock) { key in
            runs.append(key)
            if key == "a", runs.count == 1 { await gate.wait() }
            return .done
        }
        queue.add("a")
        #expect(await eventually { runs == ["a"] })
        queue.add("a")
        queue.add("a")
        queue.add("b")
        queue.add("b")
        #expect(await eventually { runs == ["a", "b"] })
        gate.open()
        #expect(await eventually { runs == ["a", "b", "a"] && queue.isIdle })
    }

    @Test func retriesWithBackoffAndHonoursDelays() async {
        let clock = ManualClock()
        var attempts = 0
        let queue = ReconcileQueue(workers: 1, clock: clock) { _ in
            attempts += 1
            return attempts < 3 ? .retry : attempts == 3 ? .after(.seconds(5)) : .done
        }
        queue.add("a")
        #expect(await eventually { attempts == 1 && !queue.isIdle })
        clock.advance(by: .milliseconds(199))
        #expect(attempts == 1)
        clock.advance(by: .milliseconds(1))
        #expect(await eventually { attempts == 2 })
        clock.advance(by: .milliseconds(400))
        #expect(await eventually { attempts == 3 })
        clock.advance(by: .seconds(5))
        #expect(await eventually { attempts == 4 && queue.isIdle })
    }
}

/// Holds reconciles until opened.
@LoopActor
final class AsyncGate {
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var isOpen = false

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
