import CLibUV

/// Every `UVClock` callback, in one heap ordered by deadline (then by scheduling order), behind one
/// `uv_timer` armed for the earliest. With a `uv_timer` per callback, each of the 1,200 heartbeat
/// timers a second at 10,000 nodes cost a handle's allocation, a start, a stop and a close (2.5 % of
/// the heartbeat's samples, uv_timer_stop the largest part).
@LoopActor
final class TimerQueue {
    static let shared = TimerQueue()

    private struct Entry {
        let deadline: UInt64
        let sequence: UInt64
        let timer: QueuedTimer

        func precedes(_ other: Entry) -> Bool {
            (deadline, sequence) < (other.deadline, other.sequence)
        }
    }

    /// A binary min-heap.
    private var heap: [Entry] = []
    private var sequence: UInt64 = 0
    /// Entries still in the heap whose timer was cancelled; swept out when they are most of it.
    private var cancelledEntries = 0
    private var handle: UnsafeMutablePointer<uv_timer_t>?
    /// The deadline the uv timer is armed for.
    private var armedFor: UInt64?
    /// Callbacks due this close to now fire with those due: the uv timer counts whole milliseconds.
    private static let slack: UInt64 = 1_000_000

    var count: Int { heap.count - cancelledEntries }

    func schedule(after delay: Duration, _ action: @escaping @LoopActor () -> Void) -> QueuedTimer {
        let timer = QueuedTimer(action, queue: self)
        let deadline = uv_hrtime() &+ delay.clampedNanoseconds
        sequence += 1
        push(Entry(deadline: deadline, sequence: sequence, timer: timer))
        if armedFor.map({ deadline < $0 }) ?? true { arm() }
        return timer
    }

    func noteCancelled() {
        cancelledEntries += 1
        if cancelledEntries > 64, cancelledEntries * 2 > heap.count {
            heap.removeAll { $0.timer.action == nil }
            heap.sort { $0.precedes($1) }  // a sorted array is a valid heap
            cancelledEntries = 0
        }
    }

    /// Arms the uv timer for the earliest live entry, or stops it when there is none.
    private func arm() {
        while let first = heap.first, first.timer.action == nil {
            _ = pop()
            cancelledEntries -= 1
        }
        guard let first = heap.first else {
            if let handle { uv_timer_stop(handle) }
            armedFor = nil
            return
        }
        let handle = self.handle ?? makeHandle()
        let now = uv_hrtime()
        let wait = first.deadline > now ? first.deadline - now : 0
        uv_update_time(EventLoop.shared.uv)
        uv_timer_start(handle, { _ in
            LoopActor.assumeIsolated { TimerQueue.shared.fire() }
        }, wait / 1_000_000 + (wait % 1_000_000 == 0 ? 0 : 1), 0)
        armedFor = first.deadline
    }

    private func makeHandle() -> UnsafeMutablePointer<uv_timer_t> {
        let handle = LoopHandles.allocate(uv_timer_t.self)
        uv_timer_init(EventLoop.shared.uv, handle)
        self.handle = handle
        return handle
    }

    /// Runs what is due, in order; callbacks scheduled meanwhile wait for the next turn of the loop.
    private func fire() {
        armedFor = nil
        let now = uv_hrtime() &+ Self.slack
        var due: [QueuedTimer] = []
        while let first = heap.first, first.deadline <= now {
            let entry = pop()
            entry.timer.queued = false
            if entry.timer.action == nil { cancelledEntries -= 1 } else { due.append(entry.timer) }
        }
        arm()
        for timer in due { timer.fire() }
    }

    // MARK: heap

    private func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func pop() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        guard !heap.isEmpty else { return top }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < heap.count, heap[left].precedes(heap[first]) { first = left }
            if right < heap.count, heap[right].precedes(heap[first]) { first = right }
            guard first != parent else { break }
            heap.swapAt(parent, first)
            parent = first
        }
        return top
    }
}

@LoopActor
final class QueuedTimer: TimerHandle {
    fileprivate(set) var action: (@LoopActor () -> Void)?
    fileprivate var queued = true
    private unowned let queue: TimerQueue

    fileprivate init(_ action: @escaping @LoopActor () -> Void, queue: TimerQueue) {
        self.action = action
        self.queue = queue
    }

    fileprivate func fire() {
        guard let action else { return }
        self.action = nil
        action()
    }

    func cancel() {
        guard action != nil else { return }
        action = nil
        if queued { queue.noteCancelled() }
    }
}
