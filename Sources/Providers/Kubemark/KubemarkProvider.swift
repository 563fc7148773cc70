import Kube
import Loop
import NodeAgent

/// `--provider kubemark` (SPEC §2.2): hollow nodes, as kubemark's are, with the kubemark machine
/// actuator's health flapping — each node Ready, then NotReady after a while, for good or
/// periodically, on its own clock — and simulated pods (`PodSimulator`): startup and readiness delays,
/// completion, failures, crash loops, init containers and graceful deletion. Timers run on the
/// injected clock, so tests drive a `ManualClock`.
@LoopActor
public final class KubemarkProvider: PodLogsProvider, PodStatsProvider {
    public let configuration: KubemarkConfiguration
    let simulator: PodSimulator
    let health: NodeHealth
    private let clock: any LoopClock

    /// `wallClock` turns the clock's instants into the times pods report (by default: now, as the real clock).
    public init(
        configuration: KubemarkConfiguration = KubemarkConfiguration(), clock: any LoopClock = UVClock.shared,
        wallClock: WallClock? = nil
    ) {
        self.configuration = configuration
        self.clock = clock
        simulator = PodSimulator(
            configuration: configuration.pods, runtime: "kubemark", clock: clock, wallClock: wallClock ?? WallClock(clock: clock))
        health = NodeHealth(schedule: configuration.healthSchedule, offset: configuration.nodeOffset, clock: clock)
    }

    public func start(nodes: [String], events: ProviderEvents) async throws {
        simulator.podChanged = events.podChanged
        health.nodeChanged = events.nodeChanged
    }

    /// The first call for a node is its registration: its flapping clock starts.
    public func node(named node: String) async throws -> ProviderNode {
        health.register(node)
        return ProviderNode(
            capacity: [
                "cpu": Quantity(value: Int64(configuration.numCores)), "memory": Quantity(value: configuration.memoryCapacity, format: .binarySI),
                "pods": Quantity(value: Int64(configuration.maxPods)),
            ],
            conditions: [NodeHealth.readyCondition(healthy: health.isHealthy(node))], instanceType: "kubemark")
    }

    public func createPod(_ pod: Pod, on node: String) async throws { try simulator.create(pod, on: node) }
    public func updatePod(_ pod: Pod, on node: String) async throws { try simulator.update(pod) }
    public func deletePod(_ pod: Pod, on node: String) async throws { try simulator.delete(pod) }
    public func pod(namespace: String, name: String) async throws -> Pod? { simulator.pod(namespace: namespace, name: name) }
    public func pods() async throws -> [ProviderPod] { simulator.pods() }

    public func logs(namespace: String, pod: String, container: String, options: LogOptions) async throws
        -> AsyncThrowingStream<[UInt8], any Error>
    {
        try simulator.logs(namespace: namespace, pod: pod, container: container, options: options)
    }

    /// Each running container uses what it requests (see `SimulatedUsage`); the node booted with the provider.
    public func statsSummary(node: String) async throws -> StatsSummary {
        SimulatedUsage.summary(
            node: node, pods: simulator.pods(on: node), startTime: simulator.wallClock.origin,
            memoryCapacity: configuration.memoryCapacity, at: simulator.wallClock.time(clock.now))
    }
}
