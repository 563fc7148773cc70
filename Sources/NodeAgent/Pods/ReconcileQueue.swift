import Loop

/// Pod keys waiting for their reconcile. A key is queued once however often it is added, runs in at
/// most one reconcile at a time (added while running, it runs once more after), and at most `workers`
/// reconciles run together. Failed keys come back with a per-key backoff; `after` delays a key.
@LoopActor
final class ReconcileQueue {
    enum Outcome {
        case done
        /// Try again with backoff (200 ms doubling to 30 s).
        case retry
        /// Look again after this long (a grace period that is still running).
        case after(Duration)
    }

    private let workers: Int
    private let clock: any LoopClock
    private let reconcile: @LoopActor (String) async -> Outcome
    private let depthChanged: @LoopActor (Int) -> Void
    private var pending: [String] = []
    private var head = 0
    private var queued: Set<String> = []
    private var running: Set<String> = []
    private var dirty: Set<String> = []
    private var failures: [String: Int] = [:]
    private var delayed: [String: any TimerHandle] = [:]
    private var active = 0
    private var stopped = false

    init(
        workers: Int, clock: any LoopClock, depthChanged: @escaping @LoopActor (Int) -> Void = { _ in },
        reconcile: @escaping @LoopActor (String) async -> Outcome
    ) {
        self.workers = max(1, workers)
        self.clock = clock
        self.depthChanged = depthChanged
        self.reconcile = reconcile
    }

    var depth: Int { pending.count - head }
    /// True when nothing is queued, running or waiting for a delay.
    var isIdle: Bool { depth == 0 && running.isEmpty && delayed.isEmpty }

    func add(_ key: String) {
        guard !stopped else { return }
        if running.contains(key) {
            dirty.insert(key)
            return
        }
        guard queued.insert(key).inserted else { return }
        pending.append(key)
        depthChanged(depth)
        if active < workers {
            active += 1
            Task { @LoopActor in await self.work() }
        }
    }

    func add(_ key: String, after delay: Duration) {
        guard !stopped else { return }
        delayed[key]?.cancel()
        delayed[key] = clock.schedule(after: delay) { [weak self] in
            self?.delayed[key] = nil
            self?.add(key)
        }
    }

    func stop() {
        stopped = true
        for timer in delayed.values { timer.cancel() }
        delayed = [:]
        pending = []
        head = 0
        queued = []
    }

    private func work() async {
        while !stopped, head < pending.count {
            let key = pending[head]
            head += 1
            if head > 1024, head * 2 > pending.count {
                pending.removeFirst(head)
                head = 0
            }
            queued.remove(key)
            depthChanged(depth)
            running.insert(key)
            let outcome = await reconcile(key)
            running.remove(key)
            switch outcome {
            case .done:
                failures[key] = nil
            case .retry:
                let attempt = failures[key, default: 0]
                failures[key] = attempt + 1
                add(key, after: .milliseconds(200) * Int(1 << min(attempt, 7)))
            case .after(let delay):
                failures[key] = nil
                add(key, after: delay)
            }
            if dirty.remove(key) != nil { add(key) }
        }
        active -= 1
    }
}
