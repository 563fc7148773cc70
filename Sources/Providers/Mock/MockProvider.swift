import Kube
import Loop
import NodeAgent

/// `--provider mock` (SPEC §2.1): pods run at once with every container ready, deletion completes at
/// once, and each container's log is a few deterministic lines. For trying the agent and for tests.
@LoopActor
public final class MockProvider: PodLogsProvider {
    public let configuration: MockConfiguration
    /// Not private: the stats extension (MockProvider+Stats.swift) reads the same clock.
    let now: @Sendable () -> Time
    /// When the mock started: its nodes' boot time in stats summaries.
    let startTime: Time
    private var running: [PodKey: ProviderPod] = [:]
    private var events: ProviderEvents?
    /// How many times a pod was started: an agent restart must not start pods again.
    public private(set) var createCount = 0

    public init(configuration: MockConfiguration = MockConfiguration(), now: @escaping @Sendable () -> Time = { .now() }) {
        self.configuration = configuration
        self.now = now
        startTime = now()
    }

    public func start(nodes: [String], events: ProviderEvents) async throws {
        self.events = events
    }

    public func node(named node: String) async throws -> ProviderNode {
        ProviderNode(
            capacity: configuration.capacity, instanceType: configuration.instanceType, labels: configuration.labels)
    }

    public func createPod(_ pod: Pod, on node: String) async throws {
        let key = try PodKey(pod)
        guard running[key] == nil else { return }
        var started = pod
        started.status = runningStatus(pod, at: now())
        running[key] = ProviderPod(pod: started, node: node)
        createCount += 1
        events?.podChanged(key.namespace, key.name)
    }

    public func updatePod(_ pod: Pod, on node: String) async throws {
        let key = try PodKey(pod)
        guard var current = running[key] else { throw ProviderError.notFound("pod \(key.namespace)/\(key.name) is not running") }
        let status = current.pod.status
        current.pod = pod
        current.pod.status = status
        // Changed images take effect at once, as a restart would make them.
        current.pod.status?.containerStatuses = pod.spec?.containers?.map { container in
            var status = status?.containerStatuses?.first { $0.name == container.name } ?? ContainerStatus(name: container.name)
            status.image = container.image
            return status
        }
        running[key] = current
        events?.podChanged(key.namespace, key.name)
    }

    public func deletePod(_ pod: Pod, on node: String) async throws {
        let key = try PodKey(pod)
        guard running.removeValue(forKey: key) != nil else { return }
        events?.podChanged(key.namespace, key.name)
    }

    public func pod(namespace: String, name: String) async throws -> Pod? {
        running[PodKey(namespace: namespace, name: name)]?.pod
    }

    public func pods() async throws -> [ProviderPod] {
        running.values.sorted { ($0.pod.metadata.namespace ?? "", $0.pod.metadata.name ?? "") < ($1.pod.metadata.namespace ?? "", $1.pod.metadata.name ?? "") }
    }

    /// Line N of a container's log is `<pod> <container> line N`, with `--timestamps` the pod's start time.
    public func logs(namespace: String, pod name: String, container: String, options: LogOptions) async throws
        -> AsyncThrowingStream<[UInt8], any Error>
    {
        guard let pod = running[PodKey(namespace: namespace, name: name)]?.pod else {
            throw ProviderError.notFound("pod \(namespace)/\(name) is not running")
        }
        guard pod.spec?.containers?.contains(where: { $0.name == container }) == true else {
            throw ProviderError.notFound("container \(container) is not valid for pod \(name)")
        }
        if options.previous {
            throw ProviderError.invalid("previous terminated container \"\(container)\" in pod \"\(name)\" not found")
        }
        let started = pod.status?.startTime ?? now()
        let lines = (0..<configuration.logLines).map { SimulatedLog.Line(time: started, text: "\(name) \(container) line \($0 + 1)") }
        // The mock writes nothing more: a follower waits until it goes away.
        return SimulatedLog.stream(SimulatedLog(lines: lines).bytes(options, now: now()), open: options.follow).stream
    }

    private func runningStatus(_ pod: Pod, at time: Time) -> PodStatus {
        var status = pod.status ?? PodStatus()
        status.phase = "Running"
        status.startTime = status.startTime ?? time
        let ready = ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map {
            PodCondition(type: $0, status: "True", lastTransitionTime: time)
        }
        status.conditions = ready
        status.containerStatuses = (pod.spec?.containers ?? []).map { container in
            ContainerStatus(
                name: container.name, state: ContainerState(running: .init(startedAt: time)), ready: true,
                restartCount: 0, image: container.image, imageID: "mock://\(container.image ?? "")",
                containerID: "mock://\(pod.metadata.namespace ?? "")/\(pod.metadata.name ?? "")/\(container.name ?? "")",
                started: true)
        }
        return status
    }
}
