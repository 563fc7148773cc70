/// Spreads periodic work: each period is `interval × (1 + factor × r)` with `r` drawn from [0, 1),
/// so many timers started together drift apart instead of firing in one burst.
public struct Jitter: Sendable {
    public let factor: Double
    private let random: @Sendable () -> Double

    public static let none = Jitter(factor: 0) { 0 }

    /// Seeded once from the system: the system generator costs a `getrandom` call per draw, and a
    /// draw is made on every lease renewal (a thousand a second with 10,000 nodes).
    @usableFromInline static let source = Locked(SplitMix64(seed: UInt64.random(in: .min ... .max)))

    /// `random` returns values in [0, 1); tests pass a deterministic sequence.
    public init(
        factor: Double,
        random: @escaping @Sendable () -> Double = { Jitter.source.withLock { Double.random(in: 0..<1, using: &$0) } }
    ) {
        precondition(factor >= 0, "jitter factor must not be negative")
        self.factor = factor
        self.random = random
    }

    public func apply(to interval: Duration) -> Duration {
        factor == 0 ? interval : interval + interval * (factor * random())
    }
}

/// Calls `action` every `interval` (jittered) on a `LoopClock`, until stopped.
@LoopActor
public final class RepeatingTimer {
    public let interval: Duration
    public let jitter: Jitter
    /// Each call lands on a multiple of this (zero: anywhere); see `LoopClock.delay(_:onGrid:)`.
    public let grid: Duration
    private let clock: any LoopClock
    private let action: @LoopActor () -> Void
    private var pending: (any TimerHandle)?

    public init(
        clock: any LoopClock = UVClock.shared, interval: Duration, jitter: Jitter = .none, grid: Duration = .zero,
        action: @escaping @LoopActor () -> Void
    ) {
        precondition(interval > .zero, "a repeating timer needs a positive interval")
        self.clock = clock
        self.interval = interval
        self.jitter = jitter
        self.grid = grid
        self.action = action
    }

    public var isRunning: Bool { pending != nil }

    /// Starts the cycle; the first call comes after `initialDelay` (default: one jittered interval).
    public func start(initialDelay: Duration? = nil) {
        stop()
        arm(after: initialDelay ?? jitter.apply(to: interval))
    }

    public func stop() {
        pending?.cancel()
        pending = nil
    }

    /// Runs the action at once and restarts the cycle from now.
    public func fireNow() {
        stop()
        tick()
    }

    private func arm(after delay: Duration) {
        pending = clock.schedule(after: clock.delay(delay, onGrid: grid)) { [weak self] in self?.tick() }
    }

    private func tick() {
        // Re-arm first: the action may stop or restart the timer.
        arm(after: jitter.apply(to: interval))
        action()
    }
}
