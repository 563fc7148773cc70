import Kube
import Loop
import NodeAgent

/// A reader following a running container's log: its stream ends with the run.
struct LogFollower {
    var id: Int
    var container: String
    var isInit: Bool
    var index: Int
    var attempt: Int32
    var timestamps: Bool
    /// Bytes the reader may still get (`limitBytes`); nil = no limit.
    var remaining: Int?
    var continuation: SimulatedLog.Stream.Continuation
}

/// Container logs: each run of a container writes `logLines` lines when it starts — `<pod> <container>
/// attempt <N> line <n>` — and `… exited with code <c>` when it ends. Only containers that started have
/// a log; `previous` reads the run before a restart.
extension PodSimulator {
    public func logs(namespace: String, pod name: String, container: String, options: LogOptions) throws(ProviderError)
        -> AsyncThrowingStream<[UInt8], any Error>
    {
        let key = PodKey(namespace: namespace, name: name)
        guard let record = record(key) else { throw ProviderError.notFound("pod \(namespace)/\(name) is not running") }
        let isInit: Bool
        let index: Int
        if let app = record.spec?.containers?.firstIndex(where: { $0.name == container }) {
            (isInit, index) = (false, app)
        } else if let initial = record.spec?.initContainers?.firstIndex(where: { $0.name == container }) {
            (isInit, index) = (true, initial)
        } else {
            throw ProviderError.notFound("container \(container) is not valid for pod \(name)")
        }
        let simulated = isInit ? record.timeline.initContainers[index] : record.timeline.containers[index]
        let shown: (attempt: Int32, started: LoopInstant, run: ContainerRun?)
        if options.previous {
            guard let last = simulated.last else {
                throw ProviderError.invalid("previous terminated container \"\(container)\" in pod \"\(name)\" not found")
            }
            shown = (last.attempt, last.started, last)
        } else if case .running(let since) = simulated.state {
            shown = (simulated.restartCount, since, nil)
        } else if let run = simulated.endedRun {
            shown = (run.attempt, run.started, run)
        } else {
            throw ProviderError.invalid(
                "container \"\(container)\" in pod \"\(name)\" is waiting to start: "
                    + (record.spec?.initContainers?.isEmpty == false ? "PodInitializing" : "ContainerCreating"))
        }
        var lines = (0..<configuration.logLines).map { line in
            SimulatedLog.Line(time: wallClock.time(shown.started), text: "\(name) \(container) attempt \(shown.attempt) line \(line + 1)")
        }
        if let run = shown.run { lines.append(exitLine(run, pod: name, container: container)) }
        let bytes = SimulatedLog(lines: lines).bytes(options, now: wallClock.time(clock.now))
        let remaining = options.limitBytes.map { $0 - bytes.count }
        let follows = options.follow && shown.run == nil && (remaining ?? 1) > 0
        let (stream, continuation) = SimulatedLog.stream(bytes, open: follows)
        if follows {
            nextFollowerID += 1
            let id = nextFollowerID
            followers[key, default: []].append(
                LogFollower(
                    id: id, container: container, isInit: isInit, index: index, attempt: shown.attempt, timestamps: options.timestamps,
                    remaining: remaining, continuation: continuation))
            continuation.onTermination = { _ in
                Task { @LoopActor [weak self] in self?.followers[key]?.removeAll { $0.id == id } }
            }
        }
        return stream
    }

    private func exitLine(_ run: ContainerRun, pod: String, container: String) -> SimulatedLog.Line {
        SimulatedLog.Line(
            time: wallClock.time(run.finished), text: "\(pod) \(container) attempt \(run.attempt) exited with code \(run.exitCode)")
    }

    /// Ends the streams of followed runs that ended (with their exit line), or whose pod is gone.
    func updateFollowers(_ key: PodKey, record: Record?) {
        guard var list = followers[key] else { return }
        list.removeAll { follower in
            guard let record else {
                follower.continuation.finish()
                return true
            }
            let simulated = follower.isInit ? record.timeline.initContainers[follower.index] : record.timeline.containers[follower.index]
            if simulated.isRunning, simulated.restartCount == follower.attempt { return false }
            if let ended = simulated.run(follower.attempt) {
                var bytes = Array(SimulatedLog.text(
                    exitLine(ended, pod: key.name, container: follower.container), timestamps: follower.timestamps).utf8)
                if let remaining = follower.remaining { bytes = Array(bytes.prefix(remaining)) }
                if !bytes.isEmpty { follower.continuation.yield(bytes) }
            }
            follower.continuation.finish()
            return true
        }
        followers[key] = list.isEmpty ? nil : list
    }
}
