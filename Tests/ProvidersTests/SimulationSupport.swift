import Kube
import Loop
import NodeAgent
@testable import Providers

/// A simulator on a manual clock whose instant `start` is the wall time `origin`: every timestamp a
/// test expects is `origin` plus the seconds the test moved the clock.
@LoopActor
final class SimulationBench {
    nonisolated static let origin = Time(seconds: 1_800_000_000)
    let clock = ManualClock()
    let start: LoopInstant
    let simulator: PodSimulator
    /// `namespace/name @ milliseconds since start` of every podChanged.
    private(set) var notes: [String] = []

    init(_ configure: (inout PodLifecycleConfiguration) -> Void = { _ in }) {
        var configuration = PodLifecycleConfiguration()
        configure(&configuration)
        start = clock.now
        simulator = PodSimulator(
            configuration: configuration, runtime: "kubemark", clock: clock, wallClock: WallClock(origin: Self.origin, start: clock.now))
        simulator.podChanged = { [unowned self] namespace, name in
            notes.append("\(namespace)/\(name) @\(Int64(clock.now.duration(since: start) / .milliseconds(1)))")
        }
    }

    /// The wall time `seconds` after the start.
    nonisolated func at(_ seconds: Double) -> Time { Self.origin + .milliseconds(Int64((seconds * 1000).rounded())) }

    /// Moves the clock to `seconds` after the start, firing every timer due.
    func advance(to seconds: Double) {
        clock.advance(to: start + .milliseconds(Int64((seconds * 1000).rounded())))
    }

    func status(_ name: String, namespace: String = "team") -> PodStatus? {
        simulator.pod(namespace: namespace, name: name)?.status
    }

    func condition(_ type: String, of name: String) -> PodCondition? {
        status(name)?.conditions?.first { $0.type == type }
    }

    func container(_ name: String, _ index: Int = 0) -> ContainerStatus? {
        status(name)?.containerStatuses?[index]
    }

    func takeNotes() -> [String] {
        defer { notes = [] }
        return notes
    }
}

/// A pod in namespace `team` with UID `uid-<name>` and one `busybox:1` container per name.
func simulatedPod(
    _ name: String, containers: [String] = ["app"], initContainers: [String] = [], restartPolicy: String? = nil,
    annotations: [String: String]? = nil, ownerKind: String? = nil, grace: Int? = nil
) -> Pod {
    var pod = Pod(metadata: ObjectMeta(name: name, namespace: "team", annotations: annotations))
    pod.metadata.uid = "uid-\(name)"
    pod.metadata.deletionGracePeriodSeconds = grace
    if let ownerKind { pod.metadata.ownerReferences = [OwnerReference(apiVersion: "batch/v1", kind: ownerKind, name: "owner", uid: "o")] }
    var spec = PodSpec(containers: containers.map { Container(name: $0, image: "busybox:1") }, nodeName: "n0")
    spec.initContainers = initContainers.isEmpty ? nil : initContainers.map { Container(name: $0, image: "busybox:1") }
    spec.restartPolicy = restartPolicy
    pod.spec = spec
    return pod
}

/// A condition as the simulator writes it.
func podCondition(_ type: String, _ holds: Bool, at time: Time, reason: String? = nil, message: String? = nil) -> PodCondition {
    PodCondition(type: type, status: holds ? "True" : "False", lastTransitionTime: time, reason: reason, message: message)
}
