import Kube
import Loop

/// Wall times for a simulation on a `LoopClock`: `origin` at the clock's `start`, moving as it moves.
/// On a `ManualClock` every timestamp a simulated pod reports is exact and known in advance.
public struct WallClock: Sendable, Equatable {
    public var origin: Time
    public var start: LoopInstant

    public init(origin: Time, start: LoopInstant) {
        self.origin = origin
        self.start = start
    }

    /// `origin` now on `clock`: the real wall time by default.
    @LoopActor
    public init(clock: any LoopClock, origin: Time = .now()) {
        self.init(origin: origin, start: clock.now)
    }

    public func time(_ instant: LoopInstant) -> Time { origin + instant.duration(since: start) }
}
