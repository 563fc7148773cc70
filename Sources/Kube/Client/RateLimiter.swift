import Loop

/// Client-side request pacing as client-go does it: a token bucket refilled at `qps` tokens a second
/// holding at most `burst`. `qps` 0 means unlimited.
@LoopActor
public final class RateLimiter {
    public let qps: Double
    public let burst: Int
    private let clock: any LoopClock
    private var tokens: Double
    private var updated: LoopInstant
    /// The time the last reserved token becomes available: waiters queue behind it, first come first served.
    private var reservedUntil: LoopInstant

    public init(qps: Double, burst: Int, clock: any LoopClock = UVClock.shared) {
        self.qps = max(qps, 0)
        self.burst = max(burst, 1)
        self.clock = clock
        tokens = Double(max(burst, 1))
        updated = clock.now
        reservedUntil = clock.now
    }

    /// Waits until a request may be sent.
    public func acquire() async throws {
        guard qps > 0 else { return }
        let wait = reserve()
        if wait > .zero { try await clock.sleep(for: wait) }
    }

    /// Takes a token now or reserves the next one; returns how long to wait for it.
    func reserve() -> Duration {
        let now = clock.now
        let elapsed = now.duration(since: updated).seconds
        tokens = min(Double(burst), tokens + max(elapsed, 0) * qps)
        updated = now
        tokens -= 1
        guard tokens < 0 else { return .zero }
        // In debt: this caller waits until the debt is paid back at `qps`.
        return .nanoseconds(Int64((-tokens / qps) * 1e9))
    }
}

/// Exponential backoff with jitter: `initial × factor^n`, capped, each multiplied by `1 + jitter × r`.
public struct Backoff: Sendable {
    public var initial: Duration
    public var factor: Double
    public var cap: Duration
    public var jitter: Jitter
    private(set) var attempt = 0

    public init(initial: Duration, factor: Double = 2, cap: Duration, jitter: Jitter = Jitter(factor: 0.1)) {
        self.initial = initial
        self.factor = factor
        self.cap = cap
        self.jitter = jitter
    }

    /// The next delay; every call grows the base until the cap.
    public mutating func next() -> Duration {
        var base = initial
        for _ in 0..<attempt where base < cap { base = base * factor }
        attempt += 1
        return jitter.apply(to: min(base, cap))
    }

    public mutating func reset() { attempt = 0 }
}
