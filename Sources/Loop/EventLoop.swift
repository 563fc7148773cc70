import Glibc
import CLibUV

/// One libuv loop running on its own thread.
///
/// Work arrives from any thread through `enqueue` and is queued under a lock. Another thread wakes
/// the loop with `uv_async_send`; the loop thread itself only starts an idle handle, which runs the
/// queue in this loop turn and keeps the poll from waiting, without the eventfd write and read a
/// wake-up costs. The queue runs in bounded batches so that a flood of jobs cannot starve socket I/O
/// and timers; jobs queued while it runs join the batch, so a chain of hops finishes in one turn.
/// After the jobs come the turn-end hooks (`LoopActor.atTurnEnd`): writes gathered by the jobs leave
/// together.
public final class EventLoop: @unchecked Sendable {
    // @unchecked: `incoming`/`state` are guarded by `shared`; `draining`, `drainIndex`, `turnEnd` and
    // `turnScheduled` are only touched on the loop thread; `uv`, `wakeup` and `turn` are created once
    // and used on the loop thread (uv_async_send is documented thread-safe).

    /// The loop behind `@LoopActor`: the process's single event loop.
    public static let shared = EventLoop(name: "node-agent-loop")

    /// The largest number of jobs run per wake-up before the loop polls for I/O again.
    public static let batchSize = 1024

    enum Work {
        case serial(UnownedJob)
        case task(UnownedJob)
        case closure(() -> Void)
    }

    private struct Shared {
        var incoming: [Work] = []
        var stopping = false
        var crossThreadJobs = 0
    }

    public let name: String
    /// Borrowed by the layers that own handles (`Timer`, `HTTPServer`, `HTTPClient`); loop thread only.
    public let uv: UnsafeMutablePointer<uv_loop_t>
    private let wakeup: UnsafeMutablePointer<uv_async_t>
    private let turn: UnsafeMutablePointer<uv_idle_t>
    private let shared = Locked(Shared())
    private var draining: [Work] = []
    private var drainIndex = 0
    private var turnEnd: [@Sendable () -> Void] = []
    /// `turn` is started: the loop runs its queue before it polls again.
    private var turnScheduled = false
    /// Written by the loop thread before `init` returns (ordered by `startSemaphore`), then read-only.
    private var thread = pthread_t()
    private let finished = Locked<ShutdownReport?>(nil)
    private let startSemaphore: UnsafeMutablePointer<uv_sem_t>
    private let exitSemaphore: UnsafeMutablePointer<uv_sem_t>

    public private(set) lazy var serialExecutor = LoopSerialExecutor(loop: self)
    public private(set) lazy var taskExecutor = LoopTaskExecutor(loop: self)

    public init(name: String) {
        self.name = name
        uv = .allocate(capacity: 1)
        precondition(uv_loop_init(uv) == 0, "uv_loop_init failed")
        wakeup = LoopHandles.allocate(uv_async_t.self)
        turn = LoopHandles.allocate(uv_idle_t.self)
        startSemaphore = .allocate(capacity: 1)
        exitSemaphore = .allocate(capacity: 1)
        uv_sem_init(startSemaphore, 0)
        uv_sem_init(exitSemaphore, 0)
        _ = serialExecutor
        _ = taskExecutor
        wakeup.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        turn.pointee.data = wakeup.pointee.data
        precondition(uv_async_init(uv, wakeup, { handle in
            EventLoop.from(handle!.pointee.data).drain()
        }) == 0, "uv_async_init failed")
        precondition(uv_idle_init(uv, turn) == 0, "uv_idle_init failed")
        startThread()
        uv_sem_wait(startSemaphore)
    }

    private static func from(_ data: UnsafeMutableRawPointer?) -> EventLoop {
        Unmanaged<EventLoop>.fromOpaque(data!).takeUnretainedValue()
    }

    private func startThread() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { raw in
            let loop = Unmanaged<EventLoop>.fromOpaque(raw!).takeRetainedValue()
            loop.run()
            return nil
        }, context)
        precondition(result == 0, "pthread_create failed: \(result)")
        pthread_detach(handle)
    }

    private func run() {
        thread = pthread_self()
        setThreadName(name)
        uv_sem_post(startSemaphore)
        uv_run(uv, UV_RUN_DEFAULT)
        // Every handle is closed by now (see `shutdown`); this releases libuv's own resources.
        let closeResult = uv_loop_close(uv)
        finished.withLock { $0?.loopClosed = closeResult == 0 }
        uv_sem_post(exitSemaphore)
    }

    /// Whether the caller runs on this loop's thread.
    public var inLoop: Bool { pthread_equal(pthread_self(), thread) != 0 }

    public func preconditionInLoop(file: StaticString = #fileID, line: UInt = #line) {
        precondition(inLoop, "not on the event loop thread of \(name)", file: file, line: line)
    }

    /// Runs `body` on the loop thread, from any thread.
    public func execute(_ body: @escaping @Sendable () -> Void) {
        enqueue(.closure(body))
    }

    /// Jobs enqueued from other threads so far: each one is a thread hop (15–40 µs). The benchmarks
    /// report it per request.
    public var crossThreadJobs: Int { shared.withLock { $0.crossThreadJobs } }

    func enqueue(_ work: Work) {
        let fromOtherThread = !inLoop
        let accepted = shared.withLock { state -> Bool in
            guard !state.stopping else { return false }
            state.incoming.append(work)
            if fromOtherThread { state.crossThreadJobs += 1 }
            return true
        }
        guard accepted else {
            // A job that can never run would hang its task forever: fail loudly instead.
            fatalError("work enqueued on event loop \(name) after shutdown")
        }
        if fromOtherThread { uv_async_send(wakeup) } else { scheduleTurn() }
    }

    /// Runs `body` on the loop thread after the jobs of this turn; loop thread only.
    public func atTurnEnd(_ body: @escaping @Sendable () -> Void) {
        preconditionInLoop()
        turnEnd.append(body)
        scheduleTurn()
    }

    private func scheduleTurn() {
        guard !turnScheduled, turn.pointee.data != nil else { return }
        turnScheduled = true
        uv_idle_start(turn) { handle in
            EventLoop.from(handle!.pointee.data).drain()
        }
    }

    private func drain() {
        var budget = Self.batchSize
        while budget > 0 {
            if drainIndex == draining.count {
                draining.removeAll(keepingCapacity: true)
                drainIndex = 0
                shared.withLock { swap(&$0.incoming, &draining) }
                if draining.isEmpty { break }
            }
            let work = draining[drainIndex]
            drainIndex += 1
            budget -= 1
            switch work {
            case .serial(let job): job.runSynchronously(on: serialExecutor.asUnownedSerialExecutor())
            case .task(let job): job.runSynchronously(on: taskExecutor.asUnownedTaskExecutor())
            case .closure(let body): body()
            }
        }
        while !turnEnd.isEmpty {
            let hooks = turnEnd
            turnEnd.removeAll()
            for hook in hooks { hook() }
        }
        // `turn` is closed once shutdown has run: it must not be started again.
        guard turn.pointee.data != nil else { return }
        let more = drainIndex < draining.count || shared.withLock { !$0.incoming.isEmpty }
        if more {
            scheduleTurn()
        } else if turnScheduled {
            turnScheduled = false
            uv_idle_stop(turn)
        }
    }

    /// What `shutdown` found: handles still open that their owners never closed are a leak.
    public struct ShutdownReport: Sendable, Equatable {
        public var leakedHandles: Int
        public var loopClosed: Bool
    }

    /// Stops the loop: runs what is queued, closes every handle still open (counting them as leaked),
    /// lets their close callbacks free them, closes the loop and joins its thread. Call it from off the loop.
    @discardableResult
    public func shutdown() -> ShutdownReport {
        precondition(!inLoop, "shutdown must be called from outside the loop thread")
        execute { [self] in
            // The wake-up and turn handles' `data` is unretained: clear it so the generic close does not release it.
            wakeup.pointee.data = nil
            turn.pointee.data = nil
            var leaked = 0
            withUnsafeMutablePointer(to: &leaked) { counter in
                uv_walk(uv, { handle, arg in
                    guard let handle, uv_is_closing(handle) == 0 else { return }
                    arg!.assumingMemoryBound(to: Int.self).pointee += 1
                    LoopHandles.close(handle)
                }, counter)
            }
            // The wake-up and turn handles are ours, not leaks.
            finished.withLock { $0 = ShutdownReport(leakedHandles: leaked - 2, loopClosed: false) }
            shared.withLock { $0.stopping = true }
        }
        uv_sem_wait(exitSemaphore)
        return finished.withLock { $0! }
    }
}

private func setThreadName(_ name: String) {
    // Linux limits thread names to 15 bytes.
    cuv_set_thread_name(String(name.utf8.prefix(15))!)
}
