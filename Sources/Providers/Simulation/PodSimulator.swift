import Kube
import Loop
import NodeAgent

/// Runs simulated pods for a provider: the lifecycle engine behind `kubemark`'s pods (a KWOK-style
/// stage engine, configured by `PodLifecycleConfiguration`). Each pod is a `PodTimeline` — a few words
/// per container, its status built only when asked — with at most one timer, armed for its next event
/// on the injected clock. Every change is reported through `podChanged`.
@LoopActor
public final class PodSimulator {
    public let configuration: PodLifecycleConfiguration
    /// Named in container IDs: `<runtime>://<64 hex digits>`.
    public let runtime: String
    public let wallClock: WallClock
    let clock: any LoopClock
    /// Told of every change to a pod's status (a provider passes it on as `ProviderEvents.podChanged`).
    public var podChanged: (@LoopActor (_ namespace: String, _ name: String) -> Void)?
    private var records: [PodKey: Record] = [:]
    /// `kubectl logs -f` readers of running containers, told when the run ends.
    var followers: [PodKey: [LogFollower]] = [:]
    var nextFollowerID = 0

    /// What the simulator keeps of a pod: what `pod(namespace:name:)` must return besides the status —
    /// the UID and the spec the agent compares (shared with the pods of the same owner) — and its timeline.
    final class Record {
        let uid: String?
        var shared: SharedSpec
        let node: String
        var timeline: PodTimeline
        var timer: (any TimerHandle)?
        var deadline: LoopInstant?

        init(uid: String?, shared: SharedSpec, node: String, timeline: PodTimeline) {
            self.uid = uid
            self.shared = shared
            self.node = node
            self.timeline = timeline
        }

        var spec: PodSpec? { shared.spec(on: node) }
    }
    private var specs = SharedSpecs()

    public init(
        configuration: PodLifecycleConfiguration = PodLifecycleConfiguration(), runtime: String, clock: any LoopClock,
        wallClock: WallClock
    ) {
        self.configuration = configuration
        self.runtime = runtime
        self.clock = clock
        self.wallClock = wallClock
    }

    /// How many pods the simulator holds.
    public var count: Int { records.count }

    /// Starts `pod` on `node`; a pod it holds already is left as it is (an agent restart adopting it).
    /// A new pod of the same name (another UID) replaces one still in its deletion grace period: pods
    /// are told apart by namespace and name here, and the new one is what the cluster wants.
    public func create(_ pod: Pod, on node: String) throws(ProviderError) {
        let key = try PodKey(pod)
        if let existing = records[key] {
            guard existing.uid != pod.metadata.uid else { return }
            drop(key, existing)
        }
        let plan = PodPlan(pod: pod, configuration: configuration)
        let timeline = PodTimeline(plan: plan, policy: .init(pod.spec?.restartPolicy), at: clock.now)
        records[key] = Record(uid: pod.metadata.uid, shared: specs.take(for: pod), node: node, timeline: timeline)
        changed(key)
    }

    /// A spec change: containers whose spec changed (their image) restart at once, as the kubelet does.
    public func update(_ pod: Pod) throws(ProviderError) {
        let key = try PodKey(pod)
        guard let record = records[key] else { throw ProviderError.notFound("pod \(key.namespace)/\(key.name) is not running") }
        let before = record.spec?.containers ?? []
        let after = pod.spec?.containers ?? []
        let changedContainers = after.indices.filter { $0 < before.count && before[$0] != after[$0] }
        specs.release(record.shared)
        record.shared = specs.take(for: pod)
        record.timeline.restart(containers: changedContainers, at: clock.now)
        changed(key)
    }

    /// Stops the pod: its containers exit now, and it is gone after its grace period
    /// (`deletionGracePeriodSeconds`, else `terminationGracePeriodSeconds`, else 30 s), or
    /// `maxDeletionGracePeriod` when that is shorter.
    public func delete(_ pod: Pod) throws(ProviderError) {
        let key = try PodKey(pod)
        guard let record = records[key] else { return }
        let seconds = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30
        var grace = Duration.seconds(max(seconds, 0))
        if let cap = configuration.maxDeletionGracePeriod { grace = min(grace, cap) }
        record.timeline.delete(at: clock.now, grace: grace)
        changed(key)
    }

    public func pod(namespace: String, name: String) -> Pod? {
        let key = PodKey(namespace: namespace, name: name)
        return records[key].map { pod(key, $0) }
    }

    /// Every pod with its node, sorted by namespace and name.
    public func pods() -> [ProviderPod] {
        records.sorted { ($0.key.namespace, $0.key.name) < ($1.key.namespace, $1.key.name) }.map {
            ProviderPod(pod: pod($0.key, $0.value), node: $0.value.node)
        }
    }

    /// The pods on one node, as `pods()` has them.
    public func pods(on node: String) -> [Pod] {
        records.filter { $0.value.node == node }.map { pod($0.key, $0.value) }
    }

    func record(_ key: PodKey) -> Record? { records[key] }

    func context(_ key: PodKey, _ record: Record) -> StatusContext {
        StatusContext(
            name: key.name, namespace: key.namespace, uid: record.uid, spec: record.spec, runtime: runtime,
            failureReason: configuration.failureReason, clock: wallClock)
    }

    private func pod(_ key: PodKey, _ record: Record) -> Pod {
        let context = context(key, record)
        var metadata = ObjectMeta(name: key.name, namespace: key.namespace)
        metadata.uid = record.uid
        return Pod(metadata: metadata, spec: context.spec, status: record.timeline.status(context))
    }

    private func fire(_ key: PodKey) {
        guard let record = records[key] else { return }
        record.timer = nil
        record.deadline = nil
        record.timeline.advance(to: clock.now)
        changed(key)
    }

    private func drop(_ key: PodKey, _ record: Record) {
        record.timer?.cancel()
        specs.release(record.shared)
        records[key] = nil
        updateFollowers(key, record: nil)
    }

    /// After any change: drop a pod that is gone, else arm its one timer for its next event; tell the
    /// log followers and the provider.
    private func changed(_ key: PodKey) {
        guard let record = records[key] else { return }
        if record.timeline.isRemoved {
            drop(key, record)
        } else if record.timeline.nextEvent != record.deadline {
            record.timer?.cancel()
            record.timer = nil
            record.deadline = record.timeline.nextEvent
            if let next = record.deadline {
                record.timer = clock.schedule(after: next.duration(since: clock.now)) { [weak self] in self?.fire(key) }
            }
        }
        updateFollowers(key, record: records[key])
        podChanged?(key.namespace, key.name)
    }
}
