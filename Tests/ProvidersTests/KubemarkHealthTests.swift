import Kube
import Loop
import NodeAgent
import Providers
import Testing

/// Health flapping (SPEC §2.2): the schedule's arithmetic, then the provider's per-node clocks and
/// notifications on a manual clock.
@Suite @LoopActor struct KubemarkHealthTests {
    func ms(_ milliseconds: Int64) -> Duration { .milliseconds(milliseconds) }

    @Test func periodicFlappingIsHealthyThenUnhealthyOverAndOver() {
        let schedule = HealthSchedule(.periodic(healthy: .seconds(40), unhealthy: .seconds(5)))
        let healthy: [(Int64, Bool)] = [
            (-3000, true), (0, true), (39_999, true), (40_000, false), (44_999, false), (45_000, true), (84_999, true),
            (85_000, false), (89_999, false), (90_000, true), (45_000 * 1000 + 40_000, false),
        ]
        for (at, expected) in healthy { #expect(schedule.isHealthy(at: ms(at)) == expected, "at \(at) ms") }
        let next: [(Int64, Int64)] = [
            (-3000, 40_000), (0, 40_000), (39_999, 40_000), (40_000, 45_000), (44_999, 45_000), (45_000, 85_000), (85_000, 90_000),
            (90_001, 130_000),
        ]
        for (after, expected) in next { #expect(schedule.nextTransition(after: ms(after)) == ms(expected), "after \(after) ms") }
    }

    @Test func turningUnhealthyAfterIsForGood() {
        let schedule = HealthSchedule(.unhealthyAfter(.seconds(40)))
        #expect(schedule.isHealthy(at: ms(39_999)) && !schedule.isHealthy(at: ms(40_000)) && !schedule.isHealthy(at: .seconds(86400)))
        #expect(schedule.nextTransition(after: ms(-5)) == ms(40_000))
        #expect(schedule.nextTransition(after: ms(39_999)) == ms(40_000))
        #expect(schedule.nextTransition(after: ms(40_000)) == nil)
        let always = HealthSchedule(.alwaysHealthy)
        #expect(always.isHealthy(at: .seconds(86400)) && always.nextTransition(after: .zero) == nil)
    }

    /// A provider on a manual clock, and every nodeChanged as `node @ ms since start`.
    @LoopActor final class Bench {
        let clock = ManualClock()
        let start: LoopInstant
        let provider: KubemarkProvider
        var changes: [String] = []

        init(_ configuration: KubemarkConfiguration, nodes: [String]) async throws {
            start = clock.now
            provider = KubemarkProvider(configuration: configuration, clock: clock)
            let events = ProviderEvents(podChanged: { _, _ in }, nodeChanged: { [unowned self] node in
                changes.append("\(node) @\(Int64(clock.now.duration(since: start) / .milliseconds(1)))")
            })
            try await provider.start(nodes: nodes, events: events)
        }

        func advance(to seconds: Double) { clock.advance(to: start + .milliseconds(Int64(seconds * 1000))) }

        func ready(_ node: String) async throws -> NodeCondition? {
            try await provider.node(named: node).conditions.first { $0.type == "Ready" }
        }
    }

    static let notReady = NodeCondition(
        type: "Ready", status: "False", reason: "KubeletNotReady", message: "container runtime is down: runtime health check failed")
    static let ready = NodeCondition(type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status")

    @Test func eachNodeFlapsOnItsOwnClockFromItsRegistrationPlusItsOffset() async throws {
        var configuration = KubemarkConfiguration()
        configuration.turnUnhealthyPeriodically = true
        configuration.healthyDuration = .seconds(40)
        configuration.unhealthyDuration = .seconds(5)
        configuration.nodeOffset = .seconds(1)
        let bench = try await Bench(configuration, nodes: ["n0", "n1"])
        #expect(try await bench.ready("n0") == Self.ready)  // n0 registers at 0 s
        bench.advance(to: 10)
        #expect(try await bench.ready("n1") == Self.ready)  // n1 registers at 10 s, its clock starts 1 s later
        bench.advance(to: 39.999)
        #expect(bench.changes.isEmpty)
        bench.advance(to: 40)
        #expect(try await bench.ready("n0") == Self.notReady)
        #expect(try await bench.ready("n1") == Self.ready)
        bench.advance(to: 51)
        #expect(try await bench.ready("n0") == Self.ready)
        #expect(try await bench.ready("n1") == Self.notReady)
        bench.advance(to: 200)
        #expect(bench.changes == [
            "n0 @40000", "n0 @45000", "n1 @51000", "n1 @56000", "n0 @85000", "n0 @90000", "n1 @96000", "n1 @101000",
            "n0 @130000", "n0 @135000", "n1 @141000", "n1 @146000", "n0 @175000", "n0 @180000", "n1 @186000", "n1 @191000",
        ])
        // Asking again is no new registration: the clocks keep their start.
        #expect(try await bench.ready("n0") == Self.ready)
        #expect(try await bench.ready("n1") == Self.ready)
        // One timer per node, armed for its next transition.
        #expect(bench.clock.pendingCount == 2)
    }

    @Test func turningUnhealthyAfterTheActuatorsWayIsOneTransitionForGood() async throws {
        let bench = try await Bench(try KubemarkConfigurationTests.example("kubemark-after.yaml"), nodes: ["n0"])
        #expect(try await bench.ready("n0") == Self.ready)
        bench.advance(to: 39.999)
        #expect(try await bench.ready("n0") == Self.ready)
        bench.advance(to: 40)
        #expect(try await bench.ready("n0") == Self.notReady)
        bench.advance(to: 86400)
        #expect(try await bench.ready("n0") == Self.notReady)
        #expect(bench.changes == ["n0 @40000"] && bench.clock.pendingCount == 0)
    }

    @Test func turnUnhealthyAfterWinsOverPeriodicFlapping() async throws {
        var configuration = KubemarkConfiguration()
        configuration.turnUnhealthyAfter = true
        configuration.turnUnhealthyPeriodically = true
        configuration.healthyDuration = .seconds(20)
        configuration.unhealthyDuration = .seconds(5)
        #expect(configuration.healthSchedule == HealthSchedule(.unhealthyAfter(.seconds(20))))
        let bench = try await Bench(configuration, nodes: ["n0"])
        _ = try await bench.ready("n0")
        bench.advance(to: 600)
        #expect(bench.changes == ["n0 @20000"])
        #expect(try await bench.ready("n0") == Self.notReady)
    }

    @Test func nodesReportTheConfiguredCapacity() async throws {
        var configuration = KubemarkConfiguration()
        configuration.numCores = 4
        configuration.memoryCapacity = 8 * 1024 * 1024 * 1024
        configuration.maxPods = 30
        let bench = try await Bench(configuration, nodes: ["n0"])
        let node = try await bench.provider.node(named: "n0")
        #expect(node.capacity == ["cpu": "4", "memory": "8Gi", "pods": "30"])
        #expect(node.instanceType == "kubemark" && node.allocatable == nil && node.operatingSystem == "linux")
        let defaults = try await Bench(KubemarkConfiguration(), nodes: ["n0"]).provider.node(named: "n0")
        #expect(defaults.capacity == ["cpu": "1", "memory": "3840Mi", "pods": "110"])
        #expect(defaults.capacity["memory"]?.value == 4_026_531_840)
    }
}
