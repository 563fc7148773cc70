import Loop

/// A simulated pod's life as a value: created, sandbox ready after the startup delay, init containers
/// one after another, app containers running, ready, exiting, restarting or backing off as the restart
/// policy says, and deletion. `advance(to:)` plays every event up to an instant, each at its own
/// instant; `nextEvent` says when the next one is due. No timers: the simulator arms them.
struct PodTimeline: Equatable, Sendable {
    enum RestartPolicy: UInt8, Sendable {
        case always, onFailure, never

        init(_ text: String?) {
            switch text {
            case "OnFailure": self = .onFailure
            case "Never": self = .never
            default: self = .always
            }
        }

        func restarts(exitCode: Int32) -> Bool {
            switch self {
            case .always: true
            case .onFailure: exitCode != 0
            case .never: false
            }
        }
    }

    let identity: UInt64
    let created: LoopInstant
    /// When the sandbox is up and the first container starts.
    let sandboxReady: LoopInstant
    let readinessDelay: Duration
    let policy: RestartPolicy
    private(set) var initContainers: [SimulatedContainer]
    private(set) var containers: [SimulatedContainer]
    /// How far the timeline has been played.
    private(set) var now: LoopInstant
    private(set) var sandboxStarted = false
    /// When the last init container succeeded (the creation with none).
    private(set) var initializedAt: LoopInstant?
    /// Whether every app container is ready, and since when that holds.
    private(set) var allReady = false
    private(set) var readyChangedAt: LoopInstant
    private(set) var deletedAt: LoopInstant?
    /// When a deleted pod is gone.
    private(set) var removeAt: LoopInstant?

    init(plan: PodPlan, policy: RestartPolicy, at instant: LoopInstant) {
        identity = plan.identity
        created = instant
        now = instant
        readyChangedAt = instant
        sandboxReady = instant + plan.startupDelay
        readinessDelay = plan.readinessDelay
        self.policy = policy
        initContainers = plan.initScripts.map(SimulatedContainer.init)
        containers = plan.scripts.map(SimulatedContainer.init)
        if initContainers.isEmpty { initializedAt = instant }
        advance(to: instant)
    }

    var isRemoved: Bool { removeAt.map { $0 <= now } ?? false }

    var nextEvent: LoopInstant? {
        if let removeAt { return removeAt > now ? removeAt : nil }
        if !sandboxStarted { return sandboxReady }
        var next: LoopInstant?
        for container in initContainers {
            if let event = container.nextEvent(after: now, readiness: nil) { next = min(next ?? event, event) }
        }
        for container in containers {
            if let event = container.nextEvent(after: now, readiness: readinessDelay) { next = min(next ?? event, event) }
        }
        return next
    }

    /// Plays every event due up to `target`, in order.
    mutating func advance(to target: LoopInstant) {
        while let next = nextEvent, next <= target {
            play(at: max(next, now))
        }
        if target > now { now = target }
    }

    private mutating func play(at instant: LoopInstant) {
        now = instant
        if removeAt != nil { return }
        if !sandboxStarted, sandboxReady <= instant {
            sandboxStarted = true
            startNextStage(at: instant)
        }
        for index in initContainers.indices {
            // Init containers succeed (exit 0), and a pod's restart policy never reruns a succeeded one.
            if initContainers[index].step(at: instant, restarts: { _ in false }) != nil { startNextStage(at: instant) }
        }
        let policy = policy
        for index in containers.indices {
            containers[index].step(at: instant) { policy.restarts(exitCode: $0) }
        }
        noteReadiness()
    }

    /// The next init container, or once they all succeeded, every app container.
    private mutating func startNextStage(at instant: LoopInstant) {
        if initContainers.contains(where: \.isRunning) { return }
        if let next = initContainers.firstIndex(where: { $0.state == .waiting }) {
            initContainers[next].start(at: instant)
            return
        }
        if initializedAt == nil { initializedAt = instant }
        for index in containers.indices where containers[index].state == .waiting {
            containers[index].start(at: instant)
        }
    }

    private mutating func noteReadiness() {
        let ready = containers.allSatisfy { $0.isReady(at: now, readiness: readinessDelay) }
        if ready != allReady {
            allReady = ready
            readyChangedAt = now
        }
    }

    /// Deletion at `instant`: the running containers stop (exit 0, a clean SIGTERM stop), nothing starts
    /// or restarts any more, and the pod is gone `grace` later — at once when nothing was running. A
    /// second deletion can only bring that moment forward.
    mutating func delete(at instant: LoopInstant, grace: Duration) {
        advance(to: instant)
        if let removeAt {
            self.removeAt = min(removeAt, max(instant + grace, now))
            return
        }
        deletedAt = now
        var stopped = false
        for index in initContainers.indices { stopped = initContainers[index].stop(at: now, restart: false) || stopped }
        for index in containers.indices { stopped = containers[index].stop(at: now, restart: false) || stopped }
        removeAt = stopped ? now + grace : now
        noteReadiness()
    }

    /// A changed container spec (an image): the kubelet kills the container and starts it again at
    /// once, one restart more. Containers not running pick the new spec up when they next start.
    mutating func restart(containers indices: [Int], at instant: LoopInstant) {
        advance(to: instant)
        guard removeAt == nil else { return }
        for index in indices where containers.indices.contains(index) {
            containers[index].stop(at: now, restart: true)
        }
        noteReadiness()
    }

    /// The pod phase as the kubelet derives it from its containers (`getPhase`).
    var phase: String {
        if initializedAt == nil { return "Pending" }
        var running = 0, waiting = 0, stopped = 0, succeeded = 0
        for container in containers {
            switch container.state {
            case .running: running += 1
            case .exited(let run):
                stopped += 1
                if run.exitCode == 0 { succeeded += 1 }
            case .backingOff: stopped += 1
            case .waiting: waiting += 1
            }
        }
        if waiting > 0 { return "Pending" }
        if running > 0 { return "Running" }
        guard stopped > 0 else { return "Pending" }
        // A deleted pod's containers never restart, whatever the policy.
        if deletedAt != nil { return stopped == succeeded ? "Succeeded" : "Failed" }
        if policy == .always { return "Running" }
        if stopped == succeeded { return "Succeeded" }
        return policy == .never ? "Failed" : "Running"
    }
}
