import Loop

/// One finished run of a container.
struct ContainerRun: Equatable, Sendable {
    var started: LoopInstant
    var finished: LoopInstant
    var exitCode: Int32
    /// Which run it was (0 = the first): the restart count it ran under, and what its container ID derives from.
    var attempt: Int32
}

/// A simulated container: its state and the kubelet's bookkeeping (restart count, last termination,
/// crash back-off), in a few words of memory. Times are instants of the simulator's `LoopClock`.
struct SimulatedContainer: Equatable, Sendable {
    enum State: Equatable, Sendable {
        /// Not started yet (sandbox, image, or init containers first).
        case waiting
        case running(since: LoopInstant)
        /// Exited and will not run again.
        case exited(ContainerRun)
        /// Exited and restarts at `until` (CrashLoopBackOff); `backOff` is the wait the kubelet reports.
        case backingOff(until: LoopInstant, backOff: Duration)
    }

    /// The kubelet's crash back-off: 10 s, doubling to 5 min; none again for an exit more than twice the
    /// maximum after the last one.
    static let initialBackOff: Duration = .seconds(10)
    static let maximumBackOff: Duration = .seconds(300)

    let script: ContainerScript
    private(set) var state = State.waiting
    private(set) var restartCount: Int32 = 0
    /// `lastState.terminated`: the run before the current one.
    private(set) var last: ContainerRun?
    /// The back-off the next crash would wait; nil until the first restart.
    private var backOff: Duration?

    init(script: ContainerScript) { self.script = script }

    var isRunning: Bool {
        if case .running = state { return true }
        return false
    }

    /// The next instant something happens to this container after `now`: its run ends, its back-off
    /// ends, or (for app containers, `readiness` given) it becomes ready.
    func nextEvent(after now: LoopInstant, readiness: Duration?) -> LoopInstant? {
        switch state {
        case .running(let since):
            let end = script.exit(ofAttempt: restartCount).map { since + $0.after }
            if let readiness, since + readiness > now { return min(since + readiness, end ?? since + readiness) }
            return end
        case .backingOff(let until, _):
            return until
        case .waiting, .exited:
            return nil
        }
    }

    /// The run that ended last, while no other runs: the exited one, or the one a back-off follows
    /// (between two runs the kubelet shows the one that ended).
    var endedRun: ContainerRun? {
        switch state {
        case .exited(let run): run
        case .backingOff: last
        case .waiting, .running: nil
        }
    }

    /// Run `attempt`, if it ended and is still known (the current or the last one).
    func run(_ attempt: Int32) -> ContainerRun? {
        if let run = endedRun, run.attempt == attempt { return run }
        return last?.attempt == attempt ? last : nil
    }

    func isReady(at now: LoopInstant, readiness: Duration) -> Bool {
        if case .running(let since) = state { return since + readiness <= now }
        return false
    }

    mutating func start(at instant: LoopInstant) {
        state = .running(since: instant)
    }

    /// Plays what is due at `now`: the run ends (and, as `restarts` says for its exit code, the
    /// container restarts or backs off), or the back-off ends. Returns the code of a run that ended.
    @discardableResult
    mutating func step(at now: LoopInstant, restarts: (Int32) -> Bool) -> Int32? {
        switch state {
        case .running(let since):
            guard let exit = script.exit(ofAttempt: restartCount), since + exit.after <= now else { return nil }
            let run = ContainerRun(started: since, finished: since + exit.after, exitCode: exit.code, attempt: restartCount)
            guard restarts(exit.code) else {
                state = .exited(run)
                return exit.code
            }
            // The kubelet restarts at once the first time (and after a run longer than twice the maximum
            // back-off since the last restart); later crashes wait the back-off, which doubles at each restart.
            let previous = last
            last = run
            if let backOff, let previous, run.finished.duration(since: previous.finished) <= Self.maximumBackOff * 2 {
                state = .backingOff(until: run.finished + backOff, backOff: backOff)
            } else {
                backOff = Self.initialBackOff
                restartCount += 1
                state = .running(since: run.finished)
            }
            return exit.code
        case .backingOff(let until, let backOff):
            guard until <= now else { return nil }
            self.backOff = min(backOff * 2, Self.maximumBackOff)
            restartCount += 1
            state = .running(since: until)
            return nil
        case .waiting, .exited:
            return nil
        }
    }

    /// Stops a running container at `now` as a clean exit (exit code 0) — a deletion's SIGTERM, or a
    /// spec change — and with `restart`, starts it again at once (a spec change). A container that is
    /// not running is left as it is. Returns whether it was running.
    @discardableResult
    mutating func stop(at now: LoopInstant, restart: Bool) -> Bool {
        guard case .running(let since) = state else { return false }
        let run = ContainerRun(started: since, finished: now, exitCode: 0, attempt: restartCount)
        if restart {
            last = run
            restartCount += 1
            state = .running(since: now)
        } else {
            state = .exited(run)
        }
        return true
    }
}
