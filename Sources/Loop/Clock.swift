import CLibUV

/// A point on a monotonic clock, in nanoseconds from an arbitrary origin.
public struct LoopInstant: Comparable, Hashable, Sendable {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static func < (a: Self, b: Self) -> Bool { a.nanoseconds < b.nanoseconds }

    public static func + (a: Self, d: Duration) -> Self {
        Self(nanoseconds: a.nanoseconds &+ d.clampedNanoseconds)
    }

    public func duration(since earlier: Self) -> Duration {
        .nanoseconds(Int64(nanoseconds) - Int64(earlier.nanoseconds))
    }
}

extension Duration {
    /// Non-negative nanoseconds, saturating: a timer cannot fire in the past or beyond ~292 years.
    var clampedNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds < 0) { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return UInt64(Int64.max) }
        return min(whole &+ UInt64(attoseconds / 1_000_000_000), UInt64(Int64.max))
    }

    /// Whole milliseconds, rounded up so a timer never fires early.
    public var millisecondsRoundedUp: UInt64 {
        let ns = clampedNanoseconds
        return ns / 1_000_000 + (ns % 1_000_000 == 0 ? 0 : 1)
    }

    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

/// A scheduled callback that can be cancelled before it fires.
@LoopActor
public protocol TimerHandle: AnyObject {
    func cancel()
}

/// Time and timers for loop code. Production code uses `UVClock`; tests drive `ManualClock`
/// so timer logic runs deterministically without sleeping.
@LoopActor
public protocol LoopClock: AnyObject, Sendable {
    var now: LoopInstant { get }
    /// Calls `action` once on the loop, `delay` from now, unless cancelled first.
    @discardableResult
    func schedule(after delay: Duration, _ action: @escaping @LoopActor () -> Void) -> any TimerHandle
}

extension LoopClock {
    /// `delay`, lengthened by less than `grid` so that it ends on a multiple of `grid` of this clock.
    /// Timers put on one grid fire together: with thousands of nodes, their requests leave in bursts,
    /// and the API server and this loop wake once per burst instead of once per request (on this
    /// machine's VM a cross-CPU wake-up was a fifth of the heartbeat CPU).
    public func delay(_ delay: Duration, onGrid grid: Duration) -> Duration {
        let step = grid.clampedNanoseconds
        guard step > 0 else { return delay }
        let remainder = (now + delay).nanoseconds % step
        return remainder == 0 ? delay : delay + .nanoseconds(Int64(step - remainder))
    }

    /// Suspends for `duration` on this clock; throws `CancellationError` when the task is cancelled.
    public func sleep(for duration: Duration) async throws {
        let sleeper = Sleeper()
        try await withTaskCancellationHandler { @LoopActor in
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                sleeper.continuation = continuation
                if Task.isCancelled {
                    sleeper.finish(CancellationError())
                } else {
                    sleeper.timer = schedule(after: duration) { sleeper.finish(nil) }
                }
            }
        } onCancel: {
            Task { @LoopActor in sleeper.finish(CancellationError()) }
        }
    }
}

@LoopActor
private final class Sleeper {
    var continuation: CheckedContinuation<Void, Error>?
    var timer: (any TimerHandle)?

    func finish(_ error: Error?) {
        guard let continuation else { return }
        self.continuation = nil
        timer?.cancel()
        timer = nil
        if let error { continuation.resume(throwing: error) } else { continuation.resume() }
    }
}

/// The real clock: `uv_hrtime`, and one `uv_timer` for all the callbacks scheduled on it. Callbacks
/// due in the same loop millisecond share a bucket, in the order they were scheduled; the uv timer
/// is armed for the earliest bucket. With a uv timer per callback, 10,000 nodes kept 20,000 handles
/// in libuv's timer heap: every renewal allocated, started, stopped and closed one, and each start
/// and stop walked that heap (uv_timer_start and uv_timer_stop were 4.5 % of the heartbeat's CPU).
@LoopActor
public final class UVClock: LoopClock {
    public nonisolated static let shared = UVClock()

    /// Loop time (uv_now, milliseconds) → the callbacks due then.
    private var buckets: [UInt64: [UVClockTimer]] = [:]
    /// The buckets' deadlines; one whose bucket emptied is skipped when it comes up.
    private var deadlines = DeadlineHeap()
    /// Open while callbacks are pending; its `data` holds the clock, so a clock with pending callbacks
    /// lives until they fire, as each callback's own uv timer used to.
    private var handle: UnsafeMutablePointer<uv_timer_t>?
    private var armedDeadline: UInt64?

    public nonisolated init() {}

    public var now: LoopInstant { LoopInstant(nanoseconds: uv_hrtime()) }

    /// Callbacks scheduled and not yet fired or cancelled.
    public var pendingCount: Int { buckets.values.reduce(0) { $0 + $1.count } }

    @discardableResult
    public func schedule(after delay: Duration, _ action: @escaping @LoopActor () -> Void) -> any TimerHandle {
        // As uv_timer_start counts: from the loop's time, which is taken once per loop turn.
        let deadline = uv_now(EventLoop.shared.uv) &+ delay.millisecondsRoundedUp
        let timer = UVClockTimer(clock: self, deadline: deadline, action: action)
        if buckets[deadline]?.append(timer) == nil {
            buckets[deadline] = [timer]
            deadlines.push(deadline)
            if armedDeadline.map({ deadline < $0 }) ?? true { arm() }
        }
        return timer
    }

    fileprivate func remove(_ timer: UVClockTimer, dueAt deadline: UInt64) {
        guard let index = buckets[deadline]?.firstIndex(where: { $0 === timer }) else { return }
        buckets[deadline]!.remove(at: index)
        if buckets[deadline]!.isEmpty {
            buckets[deadline] = nil
            if buckets.isEmpty { arm() }
        }
    }

    /// Points the uv timer at the earliest pending bucket; closes it when none is left.
    private func arm() {
        while let first = deadlines.min, buckets[first] == nil { deadlines.popMin() }
        guard let next = deadlines.min else {
            armedDeadline = nil
            if let handle { LoopHandles.close(cuv_handle(handle)) }
            handle = nil
            return
        }
        guard next != armedDeadline else { return }
        let handle = handle ?? {
            let handle = LoopHandles.allocate(uv_timer_t.self)
            uv_timer_init(EventLoop.shared.uv, handle)
            LoopHandles.attach(self, to: cuv_handle(handle))
            self.handle = handle
            return handle
        }()
        let now = uv_now(EventLoop.shared.uv)
        uv_timer_start(handle, { handle in
            LoopActor.assumeIsolated { LoopHandles.owner(of: cuv_handle(handle!), as: UVClock.self)?.fire() }
        }, next > now ? next - now : 0, 0)
        armedDeadline = next
    }

    /// Runs every bucket due by now, in deadline order. Callbacks scheduled meanwhile go in new
    /// buckets, which a later call runs.
    private func fire() {
        armedDeadline = nil
        let now = uv_now(EventLoop.shared.uv)
        var due: [[UVClockTimer]] = []
        while let first = deadlines.min, first <= now {
            deadlines.popMin()
            if let bucket = buckets.removeValue(forKey: first) { due.append(bucket) }
        }
        for bucket in due {
            for timer in bucket { timer.fire() }
        }
        arm()
    }
}

@LoopActor
private final class UVClockTimer: TimerHandle {
    private unowned let clock: UVClock
    /// Nil once fired or cancelled.
    private var deadline: UInt64?
    private var action: (@LoopActor () -> Void)?

    init(clock: UVClock, deadline: UInt64, action: @escaping @LoopActor () -> Void) {
        self.clock = clock
        self.deadline = deadline
        self.action = action
    }

    /// Called once its bucket has left the clock.
    func fire() {
        guard let action else { return }
        self.action = nil
        deadline = nil
        action()
    }

    func cancel() {
        action = nil
        guard let deadline else { return }
        self.deadline = nil
        clock.remove(self, dueAt: deadline)
    }
}

/// A binary min-heap of deadlines.
private struct DeadlineHeap {
    private var items: [UInt64] = []

    var min: UInt64? { items.first }

    mutating func push(_ value: UInt64) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() {
        guard items.count > 1 else {
            items.removeAll(keepingCapacity: true)
            return
        }
        items[0] = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            guard smallest != parent else { return }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}

/// A clock that moves only when told to: `advance(by:)` fires every due callback in deadline order,
/// with `now` set to each callback's deadline while it runs.
@LoopActor
public final class ManualClock: LoopClock {
    private struct Entry {
        let deadline: LoopInstant
        let sequence: UInt64
        let timer: ManualTimer
    }

    public private(set) var now: LoopInstant
    private var entries: [Entry] = []
    private var sequence: UInt64 = 0

    public nonisolated init(start: LoopInstant = LoopInstant(nanoseconds: 1_000_000_000)) {
        now = start
    }

    /// Callbacks scheduled and not yet fired or cancelled.
    public var pendingCount: Int { entries.count { $0.timer.action != nil } }

    public var nextDeadline: LoopInstant? {
        entries.filter { $0.timer.action != nil }.map(\.deadline).min()
    }

    @discardableResult
    public func schedule(after delay: Duration, _ action: @escaping @LoopActor () -> Void) -> any TimerHandle {
        let timer = ManualTimer(action)
        sequence += 1
        entries.append(Entry(deadline: now + delay, sequence: sequence, timer: timer))
        return timer
    }

    public func advance(by duration: Duration) {
        advance(to: now + duration)
    }

    public func advance(to target: LoopInstant) {
        while let index = nextDueIndex(notAfter: target) {
            let entry = entries.remove(at: index)
            now = max(now, entry.deadline)
            entry.timer.fire()
        }
        now = max(now, target)
        entries.removeAll { $0.timer.action == nil }
    }

    private func nextDueIndex(notAfter target: LoopInstant) -> Int? {
        var best: Int?
        for (index, entry) in entries.enumerated() where entry.timer.action != nil && entry.deadline <= target {
            if let b = best, (entries[b].deadline, entries[b].sequence) <= (entry.deadline, entry.sequence) { continue }
            best = index
        }
        return best
    }
}

@LoopActor
private final class ManualTimer: TimerHandle {
    var action: (@LoopActor () -> Void)?

    init(_ action: @escaping @LoopActor () -> Void) { self.action = action }

    func fire() {
        let action = self.action
        self.action = nil
        action?()
    }

    func cancel() { action = nil }
}
