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
    /// A pod the mock runs: as it was given, without its status (so its storage is the agent's copy's),
    /// and when it started. Its status is built when asked for: a second status kept per pod would
    /// cost more memory than the pod's own copy.
    private struct Started {
        var pod: Pod
        var node: String
        var startTime: Time

        init(_ pod: Pod, node: String, startTime: Time) {
            self.pod = pod
            self.pod.status = nil
            self.node = node
            self.startTime = startTime
        }
    }

    private var running: [PodKey: Started] = [:]
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
        running[key] = Started(pod, node: node, startTime: pod.status?.startTime ?? now())
        createCount += 1
        events?.podChanged(key.namespace, key.name)
    }

    /// Changed images take effect at once, as a restart would make them: the status follows the spec.
    public func updatePod(_ pod: Pod, on node: String) async throws {
        let key = try PodKey(pod)
        guard let current = running[key] else { throw ProviderError.notFound("pod \(key.namespace)/\(key.name) is not running") }
        running[key] = Started(pod, node: current.node, startTime: current.startTime)
        events?.podChanged(key.namespace, key.name)
    }

    public func deletePod(_ pod: Pod, on node: String) async throws {
        let key = try PodKey(pod)
        guard running.removeValue(forKey: key) != nil else { return }
        events?.podChanged(key.namespace, key.name)
    }

    public func pod(namespace: String, name: String) async throws -> Pod? {
        running[PodKey(namespace: namespace, name: name)].map(Self.withStatus)
    }

    public func pods() async throws -> [ProviderPod] {
        running.sorted { ($0.key.namespace, $0.key.name) < ($1.key.namespace, $1.key.name) }.map { _, started in
            ProviderPod(pod: Self.withStatus(started), node: started.node)
        }
    }

    /// Line N of a container's log is `<pod> <container> line N`, with `--timestamps` the pod's start time.
    public func logs(namespace: String, pod name: String, container: String, options: LogOptions) async throws
        -> AsyncThrowingStream<[UInt8], any Error>
    {
        guard let started = running[PodKey(namespace: namespace, name: name)] else {
            throw ProviderError.notFound("pod \(namespace)/\(name) is not running")
        }
        guard started.pod.spec?.containers?.contains(where: { $0.name == container }) == true else {
            throw ProviderError.notFound("container \(container) is not valid for pod \(name)")
        }
        if options.previous {
            throw ProviderError.invalid("previous terminated container \"\(container)\" in pod \"\(name)\" not found")
        }
        let lines = (0..<configuration.logLines).map { SimulatedLog.Line(time: started.startTime, text: "\(name) \(container) line \($0 + 1)") }
        // The mock writes nothing more: a follower waits until it goes away.
        return SimulatedLog.stream(SimulatedLog(lines: lines).bytes(options, now: now()), open: options.follow).stream
    }

    /// Running since its start, every container ready.
    private static func withStatus(_ started: Started) -> Pod {
        var pod = started.pod
        let time = started.startTime
        var status = PodStatus()
        status.phase = "Running"
        status.startTime = time
        status.conditions = ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map {
            PodCondition(type: $0, status: "True", lastTransitionTime: time)
        }
        status.containerStatuses = (pod.spec?.containers ?? []).map { container in
            ContainerStatus(
                name: container.name, state: ContainerState(running: .init(startedAt: time)), ready: true,
                restartCount: 0, image: container.image, imageID: "mock://\(container.image ?? "")",
                containerID: "mock://\(pod.metadata.namespace ?? "")/\(pod.metadata.name ?? "")/\(container.name ?? "")",
                started: true)
        }
        pod.status = status
        return pod
    }
}
