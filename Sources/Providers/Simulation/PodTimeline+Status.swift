import Kube
import Loop

/// What a status is written with besides the timeline: the pod's spec and identity, the runtime's
/// name (in container IDs) and the clock that turns instants into wall times.
struct StatusContext {
    var name: String
    var namespace: String
    var uid: String?
    var spec: PodSpec?
    var runtime: String
    var failureReason: String
    var clock: WallClock
}

extension PodTimeline {
    /// The pod status a kubelet would write for the timeline as played so far: the phase, its
    /// conditions with the times they last changed, and every container's state.
    func status(_ context: StatusContext) -> PodStatus {
        var status = PodStatus(phase: phase, conditions: conditions(context))
        status.startTime = context.clock.time(created)
        let initSpecs = context.spec?.initContainers ?? []
        let specs = context.spec?.containers ?? []
        let waitingReason = initSpecs.isEmpty ? "ContainerCreating" : "PodInitializing"
        if !initSpecs.isEmpty {
            status.initContainerStatuses = zip(initSpecs, initContainers).enumerated().map { index, pair in
                containerStatus(pair.1, spec: pair.0, slot: (1 << 16) + index, waitingReason: waitingReason, isInit: true, context)
            }
        }
        status.containerStatuses = zip(specs, containers).enumerated().map { index, pair in
            containerStatus(pair.1, spec: pair.0, slot: index, waitingReason: waitingReason, isInit: false, context)
        }
        return status
    }

    /// In the kubelet's order: PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled.
    private func conditions(_ context: StatusContext) -> [PodCondition] {
        func condition(_ type: String, _ holds: Bool, since instant: LoopInstant, reason: String? = nil, message: String? = nil) -> PodCondition {
            PodCondition(
                type: type, status: holds ? "True" : "False", lastTransitionTime: context.clock.time(instant),
                reason: holds ? nil : reason, message: holds ? nil : message)
        }
        let initNames = context.spec?.initContainers?.map { $0.name ?? "" } ?? []
        let names = context.spec?.containers?.map { $0.name ?? "" } ?? []
        let incomplete = zip(initNames, initContainers).filter { !$0.1.hasSucceeded }.map(\.0)
        let unready = zip(names, containers).filter { !$0.1.isReady(at: now, readiness: readinessDelay) }.map(\.0)
        let completed = phase == "Succeeded"
        let readyReason = completed ? "PodCompleted" : "ContainersNotReady"
        let readyMessage = completed ? nil : "containers with unready status: [\(unready.joined(separator: " "))]"
        return [
            condition("PodReadyToStartContainers", sandboxStarted, since: sandboxStarted ? sandboxReady : created),
            condition(
                "Initialized", initializedAt != nil, since: initializedAt ?? created, reason: "ContainersNotInitialized",
                message: "containers with incomplete status: [\(incomplete.joined(separator: " "))]"),
            condition("Ready", allReady, since: readyChangedAt, reason: readyReason, message: readyMessage),
            condition("ContainersReady", allReady, since: readyChangedAt, reason: readyReason, message: readyMessage),
            condition("PodScheduled", true, since: created),
        ]
    }

    private func containerStatus(
        _ container: SimulatedContainer, spec: Container, slot: Int, waitingReason: String, isInit: Bool, _ context: StatusContext
    ) -> ContainerStatus {
        let name = spec.name ?? ""
        var status = ContainerStatus(
            name: name, state: ContainerState(), lastState: ContainerState(), ready: false, restartCount: Int(container.restartCount),
            image: spec.image, imageID: "", started: false)
        func terminated(_ run: ContainerRun) -> ContainerState.Terminated {
            ContainerState.Terminated(
                exitCode: Int(run.exitCode), reason: run.exitCode == 0 ? "Completed" : context.failureReason,
                startedAt: context.clock.time(run.started), finishedAt: context.clock.time(run.finished),
                containerID: containerID(slot: slot, attempt: run.attempt, runtime: context.runtime))
        }
        if let last = container.last { status.lastState = ContainerState(terminated: terminated(last)) }
        var attempt: Int32?
        switch container.state {
        case .waiting:
            status.state = ContainerState(waiting: .init(reason: waitingReason))
        case .running(let since):
            status.state = ContainerState(running: .init(startedAt: context.clock.time(since)))
            status.started = true
            status.ready = !isInit && container.isReady(at: now, readiness: readinessDelay)
            attempt = container.restartCount
        case .exited(let run):
            status.state = ContainerState(terminated: terminated(run))
            // The kubelet counts a succeeded init container as ready.
            status.ready = isInit && run.exitCode == 0
            attempt = run.attempt
        case .backingOff(_, let backOff):
            let pod = "\(context.name)_\(context.namespace)(\(context.uid ?? ""))"
            status.state = ContainerState(
                waiting: .init(
                    reason: "CrashLoopBackOff",
                    message: "back-off \(GoDuration.format(backOff)) restarting failed container=\(name) pod=\(pod)"))
            attempt = container.last?.attempt
        }
        if let attempt {
            status.containerID = containerID(slot: slot, attempt: attempt, runtime: context.runtime)
            var digest = SplitMix64(seed: SplitMix64.hash(spec.image ?? ""))
            status.imageID = "\(spec.image ?? "")@sha256:\(digest.hex64())"
        }
        return status
    }

    /// A runtime-style ID, the same for the same pod, container and run; a new one at every restart.
    func containerID(slot: Int, attempt: Int32, runtime: String) -> String {
        var random = SplitMix64(seed: identity ^ UInt64(slot) << 32 ^ UInt64(UInt32(bitPattern: attempt)))
        return "\(runtime)://\(random.hex64())"
    }
}

extension SimulatedContainer {
    var hasSucceeded: Bool {
        if case .exited(let run) = state { return run.exitCode == 0 }
        return false
    }
}
