@testable import ControlPlane
import Foundation
import Kube
import Testing

// MARK: - Builders

private func quantities(_ list: [String: String]) -> [String: Quantity] {
    list.mapValues { Quantity(stringLiteral: $0) }
}

private func makeNode(
    _ name: String, cpu: String = "4", memory: String = "8Gi", pods: String? = "110", extra: [String: String] = [:],
    labels: [String: String] = [:], taints: [Taint] = [], unschedulable: Bool = false
) -> Node {
    var allocatable = quantities(["cpu": cpu, "memory": memory].merging(extra) { $1 })
    if let pods { allocatable["pods"] = Quantity(stringLiteral: pods) }
    return Node(
        metadata: ObjectMeta(name: name, labels: labels),
        spec: NodeSpec(unschedulable: unschedulable ? true : nil, taints: taints.isEmpty ? nil : taints),
        status: NodeStatus(capacity: allocatable, allocatable: allocatable))
}

/// A container requesting `requests`; nil: no `resources` at all.
private func container(_ requests: [String: String]? = nil) -> Container {
    var container = Container(name: "c", image: "busybox")
    if let requests { container.resources = ResourceRequirements(requests: quantities(requests)) }
    return container
}

private func makePod(
    _ name: String, requests: [String: String]? = nil, containers: [Container]? = nil,
    nodeName: String? = nil, phase: String? = nil, configure: (inout PodSpec) -> Void = { _ in }
) -> Pod {
    var spec = PodSpec(containers: containers ?? [container(requests)], nodeName: nodeName)
    configure(&spec)
    return Pod(metadata: ObjectMeta(name: name, namespace: "default"), spec: spec, status: PodStatus(phase: phase))
}

private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
    try JSONDecoder().decode(type, from: Data(json.utf8))
}

private func schedule(_ pod: Pod, _ nodes: [Node], pods: [Pod] = []) -> SchedulingResult {
    Scheduler().schedule(pod, in: SchedulerSnapshot(nodes: nodes, pods: pods))
}

private let mebi: Int64 = 1024 * 1024

// MARK: - Requests and usage

@Suite struct SchedulerRequestTests {
    @Test func initContainersAndOverhead() {
        let pod = makePod("p", containers: [container(["cpu": "500m", "memory": "1Gi"]), container(["cpu": "250m"])]) {
            $0.initContainers = [container(["cpu": "1", "memory": "512Mi"]), container(["memory": "2Gi"])]
            $0.overhead = quantities(["cpu": "100m", "memory": "64Mi"])
        }
        let request = PodRequest(pod.spec)
        // max(sum of containers, each init container) + overhead, per resource.
        #expect(request.resources.milliCPU == 1000 + 100)
        #expect(request.resources.memory == 2048 * mebi + 64 * mebi)
        // Scoring: a container without a request counts 100m / 200Mi, init containers included.
        #expect(request.nonZeroMilliCPU == 1000 + 100)
        #expect(request.nonZeroMemory == 2048 * mebi + 64 * mebi)
    }

    @Test func containersWithoutRequestsCountZeroToFitAndDefaultsToScore() {
        let request = PodRequest(makePod("p", containers: [container(), container(["memory": "1Gi"])]).spec)
        #expect(request.resources == ResourceAmounts(memory: 1024 * mebi))
        #expect(request.nonZeroMilliCPU == 2 * PodRequest.defaultMilliCPU)
        #expect(request.nonZeroMemory == PodRequest.defaultMemory + 1024 * mebi)
        let explicitZero = PodRequest(makePod("p", requests: ["cpu": "0", "memory": "0"]).spec)
        #expect(explicitZero.resources.isEmpty)
        #expect(explicitZero.nonZeroMilliCPU == 0 && explicitZero.nonZeroMemory == 0)
    }

    @Test func resourceNames() {
        let amounts = ResourceAmounts(
            quantities([
                "cpu": "1.5", "memory": "1Ki", "ephemeral-storage": "1k", "pods": "3", "example.com/gpu": "2",
                "hugepages-2Mi": "4Mi", "attachable-volumes-aws-ebs": "39", "made-up": "5",
            ]))
        #expect(amounts.milliCPU == 1500 && amounts.memory == 1024 && amounts.ephemeralStorage == 1000)
        #expect(amounts.scalar == ["example.com/gpu": 2, "hugepages-2Mi": 4 * mebi, "attachable-volumes-aws-ebs": 39])
        #expect(!ResourceAmounts.isScalar("requests.example.com/gpu"))
    }

    @Test func nodeUsageIsUpdatedIncrementally() {
        var usage = NodeUsage()
        let first = makePod("first", requests: ["cpu": "1", "memory": "1Gi", "example.com/gpu": "1"], nodeName: "n")
        let second = makePod("second", nodeName: "n")
        usage.update(first)
        usage.update(second)
        usage.update(first)  // counted again: replaced, not added twice
        #expect(usage.podCount == 2)
        #expect(usage.requested == ResourceAmounts(milliCPU: 1000, memory: 1024 * mebi, scalar: ["example.com/gpu": 1]))
        #expect(usage.nonZeroMilliCPU == 1000 + 100)
        #expect(usage.nonZeroMemory == 1024 * mebi + 200 * mebi)

        var grown = first
        grown.spec?.containers?[0].resources?.requests?["cpu"] = "3"
        usage.update(grown)
        #expect(usage.requested.milliCPU == 3000 && usage.podCount == 2)

        var finished = grown
        finished.status?.phase = "Succeeded"
        usage.update(finished)  // a terminated pod holds nothing
        #expect(usage.podCount == 1 && !usage.contains(PodKey(first)))
        #expect(usage.request(of: PodKey(second)) == PodRequest(second.spec))

        #expect(usage.remove(PodKey(second)) != nil)
        #expect(usage.remove(PodKey(second)) == nil)
        #expect(usage == NodeUsage())
    }

    @Test func snapshotRoutesPodsByNode() {
        let nodes = [makeNode("a"), makeNode("b")]
        let pods = [
            makePod("p1", requests: ["cpu": "1"], nodeName: "a"),
            makePod("p2", requests: ["cpu": "1"], nodeName: "b"),
            makePod("pending", requests: ["cpu": "1"]),
            makePod("failed", requests: ["cpu": "1"], nodeName: "a", phase: "Failed"),
            makePod("early", requests: ["cpu": "1"], nodeName: "not-yet-registered"),
        ]
        var snapshot = SchedulerSnapshot(nodes: nodes, pods: pods)
        #expect(snapshot.nodeCount == 2 && snapshot.nodeNames == ["a", "b"])
        #expect(snapshot.usage(ofNode: "a").podCount == 1 && snapshot.usage(ofNode: "b").podCount == 1)
        #expect(snapshot.usage(ofNode: "not-yet-registered").podCount == 1)
        #expect(!snapshot.containsNode(named: "not-yet-registered"))

        snapshot.updatePod(makePod("p1", requests: ["cpu": "1"], nodeName: "b"))  // moved
        #expect(snapshot.usage(ofNode: "a").podCount == 0 && snapshot.usage(ofNode: "b").requested.milliCPU == 2000)
        #expect(snapshot.nodeName(of: PodKey(namespace: "default", name: "p1")) == "b")

        snapshot.removeNode(named: "b")  // its pods stay counted until deleted
        #expect(snapshot.nodeCount == 1 && snapshot.usage(ofNode: "b").podCount == 2)
        snapshot.updateNode(makeNode("b", cpu: "8"))
        #expect(snapshot.nodeCount == 2 && snapshot.usage(ofNode: "b").podCount == 2)

        snapshot.removePod(pods[0])
        snapshot.assume(pods[2], on: "a")
        #expect(snapshot.usage(ofNode: "b").podCount == 1 && snapshot.usage(ofNode: "a").podCount == 1)
        snapshot.updatePod(makePod("pending", requests: ["cpu": "1"], nodeName: "a", phase: "Succeeded"))
        #expect(snapshot.usage(ofNode: "a").isEmpty && snapshot.nodeName(of: PodKey(pods[2])) == nil)
    }
}

// MARK: - Filters

@Suite struct SchedulerFilterTests {
    @Test func unschedulableNodes() throws {
        let cordoned = [makeNode("a", unschedulable: true)]
        #expect(schedule(makePod("p"), cordoned) == .unschedulable("0/1 nodes are available: 1 node(s) were unschedulable."))
        let tolerant = makePod("p") {
            $0.tolerations = [Toleration(key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule")]
        }
        #expect(schedule(tolerant, cordoned) == .bound("a"))
        let everything = makePod("p") { $0.tolerations = [Toleration(operator: "Exists")] }
        #expect(schedule(everything, cordoned) == .bound("a"))
    }

    @Test func nodeSelector() {
        let nodes = [makeNode("a", labels: ["disk": "hdd"]), makeNode("b", labels: ["disk": "ssd", "zone": "z1"])]
        let pod = makePod("p") { $0.nodeSelector = ["disk": "ssd", "zone": "z1"] }
        #expect(schedule(pod, nodes) == .bound("b"))
        let none = makePod("p") { $0.nodeSelector = ["disk": "nvme"] }
        #expect(schedule(none, nodes) == .unschedulable("0/2 nodes are available: 2 node(s) didn't match node selector."))
    }

    @Test func requiredNodeAffinity() throws {
        let nodes = [
            makeNode("node-a", labels: ["zone": "z1", "cores": "4"]),
            makeNode("node-b", labels: ["zone": "z2", "cores": "16"]),
            makeNode("node-c", labels: ["zone": "z3", "cores": "16", "gpu": "true"]),
        ]
        func pod(_ terms: String) throws -> Pod {
            try decode(Pod.self, """
                {"metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": [{"name": "c"}],
                 "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
                   {"nodeSelectorTerms": \(terms)}}}}}
                """)
        }
        let expressions = try pod("""
            [{"matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["8"]},
                                   {"key": "gpu", "operator": "DoesNotExist"}]}]
            """)
        #expect(schedule(expressions, nodes) == .bound("node-b"))
        // Terms are ORed; matchFields selects by metadata.name.
        let fields = try pod("""
            [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["z9"]}]},
             {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node-c"]}]}]
            """)
        #expect(schedule(fields, nodes) == .bound("node-c"))
        let notIn = try pod("""
            [{"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["z2"]}],
              "matchFields": [{"key": "metadata.name", "operator": "NotIn", "values": ["node-a"]}]}]
            """)
        #expect(schedule(notIn, nodes) == .bound("node-c"))
        // No terms, or an empty term, match no node.
        for terms in ["[]", "[{}]"] {
            let unmatched = try pod(terms)
            #expect(schedule(unmatched, nodes).message == "0/3 nodes are available: 3 node(s) didn't match node selector.")
        }
        // nodeSelector and the affinity must both hold.
        var both = expressions
        both.spec?.nodeSelector = ["zone": "z3"]
        #expect(schedule(both, nodes).message == "0/3 nodes are available: 3 node(s) didn't match node selector.")
    }

    @Test func taintsAndTolerations() throws {
        let tainted = try decode(Node.self, """
            {"metadata": {"name": "gpu-node"}, "spec": {"taints": [
               {"key": "soft", "effect": "PreferNoSchedule"},
               {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]},
             "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}
            """)
        let draining = makeNode("draining", taints: [Taint(key: "maintenance", effect: "NoExecute")])
        #expect(
            schedule(makePod("p"), [tainted, draining]).message
                == "0/2 nodes are available: 1 node(s) had taint {dedicated: gpu}, that the pod didn't tolerate, "
                + "1 node(s) had taint {maintenance: }, that the pod didn't tolerate.")
        let wrongValue = makePod("p") { $0.tolerations = [Toleration(key: "dedicated", value: "db", effect: "NoSchedule")] }
        #expect(schedule(wrongValue, [tainted]).message?.contains("{dedicated: gpu}") == true)
        let tolerant = makePod("p") { $0.tolerations = [Toleration(key: "dedicated", value: "gpu", effect: "NoSchedule")] }
        #expect(schedule(tolerant, [tainted, draining]) == .bound("gpu-node"))
        // PreferNoSchedule never filters.
        let preferNot = makeNode("a", taints: [Taint(key: "soft", effect: "PreferNoSchedule")])
        #expect(schedule(makePod("p"), [preferNot]) == .bound("a"))
    }

    @Test func resources() {
        let small = makeNode("a", cpu: "1", memory: "1Gi")
        #expect(
            schedule(makePod("p", requests: ["cpu": "2"]), [small])
                == .unschedulable("0/1 nodes are available: 1 Insufficient cpu."))
        #expect(
            schedule(makePod("p", requests: ["cpu": "2", "memory": "2Gi"]), [small])
                == .unschedulable("0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory."))
        // ephemeral-storage and scalar resources: a node that lists none has none.
        let storage = makePod("p", requests: ["ephemeral-storage": "1Gi"])
        #expect(schedule(storage, [small]).message == "0/1 nodes are available: 1 Insufficient ephemeral-storage.")
        #expect(schedule(storage, [makeNode("a", extra: ["ephemeral-storage": "10Gi"])]) == .bound("a"))
        let gpu = makePod("p", requests: ["example.com/gpu": "1"])
        let gpuNode = makeNode("g", extra: ["example.com/gpu": "2"])
        let oneUsed = [makePod("used1", requests: ["example.com/gpu": "1"], nodeName: "g")]
        #expect(schedule(gpu, [small]).message == "0/1 nodes are available: 1 Insufficient example.com/gpu.")
        #expect(schedule(gpu, [gpuNode], pods: oneUsed) == .bound("g"))
        let twoUsed = oneUsed + [makePod("used2", requests: ["example.com/gpu": "1"], nodeName: "g")]
        #expect(
            schedule(gpu, [gpuNode], pods: twoUsed).message == "0/1 nodes are available: 1 Insufficient example.com/gpu.")
    }

    @Test func podCountAndTerminatedPods() {
        let node = makeNode("a", pods: "2")
        let bound = [makePod("x", nodeName: "a"), makePod("y", nodeName: "a")]
        #expect(schedule(makePod("p"), [node], pods: bound).message == "0/1 nodes are available: 1 Too many pods.")
        #expect(schedule(makePod("p"), [makeNode("a", pods: nil)]).message == "0/1 nodes are available: 1 Too many pods.")
        let finished = [makePod("x", nodeName: "a", phase: "Succeeded"), makePod("y", nodeName: "a", phase: "Failed")]
        #expect(schedule(makePod("p", requests: ["cpu": "4"]), [node], pods: finished) == .bound("a"))
    }

    @Test func requestlessPodsFitOvercommittedNodes() {
        let node = makeNode("a", cpu: "1")
        let hog = [makePod("hog", requests: ["cpu": "2"], nodeName: "a")]
        #expect(schedule(makePod("p"), [node], pods: hog) == .bound("a"))
        // Any request at all brings every resource into the check, as in kube-scheduler.
        #expect(
            schedule(makePod("p", requests: ["memory": "1Mi"]), [node], pods: hog).message
                == "0/1 nodes are available: 1 Insufficient cpu.")
    }

    @Test func initContainersAndOverheadInTheFit() {
        let node = makeNode("a", cpu: "2")
        let initHeavy = makePod("p", requests: ["cpu": "500m"]) { $0.initContainers = [container(["cpu": "2500m"])] }
        #expect(schedule(initHeavy, [node]).message == "0/1 nodes are available: 1 Insufficient cpu.")
        func withOverhead(_ cpu: String) -> Pod {
            makePod("p", requests: ["cpu": "500m"]) {
                $0.initContainers = [container(["cpu": "1500m"])]
                $0.overhead = quantities(["cpu": cpu])
            }
        }
        #expect(schedule(withOverhead("500m"), [node]) == .bound("a"))
        #expect(schedule(withOverhead("501m"), [node]).message == "0/1 nodes are available: 1 Insufficient cpu.")
    }
}

// MARK: - Messages

@Suite struct SchedulerMessageTests {
    @Test func noNodes() {
        let empty = SchedulerSnapshot()
        #expect(Scheduler().schedule(makePod("p"), in: empty) == .unschedulable("no nodes available to schedule pods"))
        let onlyPods = SchedulerSnapshot(nodes: [], pods: [makePod("x", nodeName: "gone")])
        #expect(Scheduler().schedule(makePod("p"), in: onlyPods) == .unschedulable(Scheduler.noNodesMessage))
    }

    @Test func theDocumentedExample() {
        let nodes = [makeNode("a", labels: ["disk": "hdd"]), makeNode("b", cpu: "1"), makeNode("c", cpu: "1")]
        let pod = makePod("p", requests: ["cpu": "2"]) { $0.nodeSelector = ["disk": "ssd"] }
        #expect(
            schedule(pod, nodes)
                == .unschedulable("0/3 nodes are available: 1 node(s) didn't match node selector, 2 Insufficient cpu."))
    }

    /// Reasons counted per node, the first rejecting filter only, sorted as Go sorts strings.
    @Test func mixedReasons() {
        var nodes = (0..<10).map { makeNode("small-\($0)", cpu: "1") }  // rejected by resources before labels
        nodes += [makeNode("hdd-1", labels: ["disk": "hdd"]), makeNode("hdd-2", labels: ["disk": "hdd"])]
        nodes.append(makeNode("cordoned", cpu: "1", labels: ["disk": "ssd"], unschedulable: true))
        let dedicated = Taint(key: "dedicated", value: "gpu", effect: "NoSchedule")
        nodes.append(makeNode("gpu", labels: ["disk": "ssd"], taints: [dedicated]))
        nodes.append(makeNode("tiny", cpu: "1", memory: "1Gi", labels: ["disk": "ssd"]))
        let pod = makePod("p", requests: ["cpu": "2", "memory": "2Gi"]) { $0.nodeSelector = ["disk": "ssd"] }
        #expect(
            schedule(pod, nodes).message
                == "0/15 nodes are available: 1 Insufficient memory, "
                + "1 node(s) had taint {dedicated: gpu}, that the pod didn't tolerate, 1 node(s) were unschedulable, "
                + "11 Insufficient cpu, 2 node(s) didn't match node selector.")
    }
}

// MARK: - Scores

@Suite struct SchedulerScoreTests {
    @Test func leastAllocatedSpreadsOverEqualNodes() {
        var snapshot = SchedulerSnapshot(nodes: ["node-a", "node-b", "node-c"].map { makeNode($0) }, pods: [])
        var placed: [String] = []
        for index in 0..<6 {
            let pod = makePod("p\(index)", requests: ["cpu": "1", "memory": "1Gi"])
            guard let node = Scheduler().schedule(pod, in: snapshot).nodeName else {
                Issue.record("pod \(index) was not scheduled")
                return
            }
            snapshot.assume(pod, on: node)
            placed.append(node)
        }
        #expect(placed == ["node-a", "node-b", "node-c", "node-a", "node-b", "node-c"])
    }

    @Test func tiesGoToTheFirstName() {
        let nodes = ["node-c", "node-a", "node-b"].map { makeNode($0) }
        #expect(schedule(makePod("p"), nodes) == .bound("node-a"))
        let loaded = [makePod("x", requests: ["cpu": "2"], nodeName: "node-a")]
        #expect(schedule(makePod("p"), nodes, pods: loaded) == .bound("node-b"))
    }

    @Test func preferredAffinityWeightsWin() {
        let nodes = [
            makeNode("a", labels: ["zone": "z1"]), makeNode("b", labels: ["zone": "z2"]),
            makeNode("c", labels: ["zone": "z3"]),
        ]
        let busyB = [makePod("x", requests: ["cpu": "1", "memory": "1Gi"], nodeName: "b")]
        func preferring(_ weights: [String: Int]) -> Pod {
            makePod("p", requests: ["cpu": "100m", "memory": "100Mi"]) {
                let terms = weights.map { zone, weight in
                    PreferredSchedulingTerm(
                        weight: weight,
                        preference: NodeSelectorTerm(matchExpressions: [
                            NodeSelectorRequirement(key: "zone", operator: .in, values: [zone])
                        ]))
                }
                $0.affinity = Affinity(nodeAffinity: NodeAffinity(preferredDuringSchedulingIgnoredDuringExecution: terms))
            }
        }
        #expect(schedule(preferring(["z2": 80, "z3": 20]), nodes, pods: busyB) == .bound("b"))
        #expect(schedule(preferring(["z2": 20, "z3": 80]), nodes, pods: busyB) == .bound("c"))
        #expect(schedule(preferring(["z2": 0]), nodes, pods: busyB) == .bound("a"))  // weight 0 is ignored
    }

    @Test func preferNoScheduleTaintsCountAgainst() {
        let nodes = [
            makeNode("a", taints: [Taint(key: "spot", value: "true", effect: "PreferNoSchedule")]), makeNode("b"),
        ]
        #expect(schedule(makePod("p"), nodes) == .bound("b"))
        let tolerant = makePod("p") { $0.tolerations = [Toleration(key: "spot", operator: "Exists")] }
        #expect(schedule(tolerant, nodes) == .bound("a"))
        // Normalized against the worst feasible node: one taint of two still scores 50, which beats
        // a taint-free node that is three-quarters full.
        let soft = { (key: String) in Taint(key: key, effect: "PreferNoSchedule") }
        let graded = [
            makeNode("a", taints: [soft("one"), soft("two")]), makeNode("b", taints: [soft("one")]), makeNode("c"),
        ]
        let busyC = [makePod("x", requests: ["cpu": "3"], nodeName: "c")]
        #expect(schedule(makePod("p"), graded, pods: busyC) == .bound("b"))
        #expect(schedule(makePod("p"), graded) == .bound("c"))
    }

    @Test func balancedAllocationBreaksEvenFreeShares() {
        // Both nodes are 75 % free on average; only "b" has cpu and memory equally used.
        let nodes = [makeNode("a", memory: "4Gi"), makeNode("b", memory: "4Gi")]
        let bound = [
            makePod("x", requests: ["cpu": "2", "memory": "0"], nodeName: "a"),
            makePod("y", requests: ["cpu": "1", "memory": "1Gi"], nodeName: "b"),
        ]
        #expect(schedule(makePod("p", requests: ["cpu": "0", "memory": "0"]), nodes, pods: bound) == .bound("b"))
    }

    @Test func manyNodesTakeOnePodEach() {
        let names = (0..<1_000).map { "node-\(String(1_000 + $0).dropFirst())" }
        var snapshot = SchedulerSnapshot(nodes: names.map { makeNode($0) }, pods: [])
        var bound: [String: [Pod]] = [:]
        for index in 0..<200 {
            let pod = makePod("p\(index)", requests: ["cpu": "1", "memory": "1Gi"])
            guard let node = Scheduler().schedule(pod, in: snapshot).nodeName else {
                Issue.record("pod \(index) was not scheduled")
                return
            }
            snapshot.assume(pod, on: node)
            var placed = pod
            placed.spec?.nodeName = node
            bound[node, default: []].append(placed)
        }
        #expect(bound.count == 200 && bound.values.allSatisfy { $0.count == 1 })
        for (node, pods) in bound { #expect(snapshot.usage(ofNode: node) == NodeUsage(pods: pods)) }
    }
}

@Suite struct SchedulerSamplingTests {
    @Test func largeClustersAreSampledAsKubeSchedulerDoes() {
        #expect(Scheduler.feasibleNodesToFind(50) == 50)
        #expect(Scheduler.feasibleNodesToFind(100) == 100)
        #expect(Scheduler.feasibleNodesToFind(1_000) == 420)
        #expect(Scheduler.feasibleNodesToFind(5_000) == 500)
        #expect(Scheduler.feasibleNodesToFind(10_000) == 500)
    }

    @Test func successivePodsLookAtTheNextNodes() {
        // 200 equal nodes, 100 to find: the first pod examines nodes 0–99 and the second 100–199,
        // so each takes the best (first-named) node of its own half.
        var snapshot = SchedulerSnapshot()
        for index in 0..<200 { snapshot.updateNode(makeNode(String(format: "n%03d", index))) }
        var start = 0
        #expect(Scheduler().schedule(makePod("a"), in: snapshot, startingAt: &start) == .bound("n000"))
        #expect(start == 100)
        #expect(Scheduler().schedule(makePod("b"), in: snapshot, startingAt: &start) == .bound("n100"))
        #expect(start == 0)
        // A removed node's place is taken by the last one; the walk still covers every node once.
        snapshot.removeNode(named: "n000")
        #expect(snapshot.nodeCount == 199 && !snapshot.containsNode(named: "n000"))
        start = 0
        #expect(Scheduler().schedule(makePod("c"), in: snapshot, startingAt: &start) == .bound("n001"))
    }

    @Test func namesCompareByteWiseAsInGo() {
        #expect(Scheduler.precedes("node-10", "node-9"))
        #expect(Scheduler.precedes("a", "ab") && !Scheduler.precedes("ab", "a") && !Scheduler.precedes("a", "a"))
        #expect(Scheduler.precedes("", "a") && !Scheduler.precedes("", ""))
        #expect(Scheduler.precedes("Z", "a"))  // upper case first, byte order
        #expect(Scheduler.precedes("e\u{301}", "é"))  // not canonical equivalence: bytes
    }
}
