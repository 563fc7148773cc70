/// When a kubemark node is healthy, as a function of the time since its flapping clock started
/// (SPEC §2.2). Pure: the provider arms one timer per node for `nextTransition`.
public struct HealthSchedule: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        case alwaysHealthy
        /// Healthy for this long, then unhealthy for good.
        case unhealthyAfter(Duration)
        /// Healthy, then unhealthy, then healthy again…
        case periodic(healthy: Duration, unhealthy: Duration)
    }

    public var mode: Mode

    public init(_ mode: Mode) { self.mode = mode }

    /// Healthy at `elapsed` on the node's clock; before its clock starts (negative), a node is healthy.
    /// Each period starts healthy: a transition instant already belongs to the new state.
    public func isHealthy(at elapsed: Duration) -> Bool {
        guard elapsed >= .zero else { return true }
        switch mode {
        case .alwaysHealthy:
            return true
        case .unhealthyAfter(let healthy):
            return elapsed < healthy
        case .periodic(let healthy, let unhealthy):
            return Self.remainder(elapsed, healthy + unhealthy) < healthy
        }
    }

    /// The first transition strictly after `elapsed`; nil when none comes.
    public func nextTransition(after elapsed: Duration) -> Duration? {
        switch mode {
        case .alwaysHealthy:
            return nil
        case .unhealthyAfter(let healthy):
            return elapsed < healthy ? healthy : nil
        case .periodic(let healthy, let unhealthy):
            guard elapsed >= .zero else { return healthy }
            let period = healthy + unhealthy
            let start = elapsed - Self.remainder(elapsed, period)
            return Self.remainder(elapsed, period) < healthy ? start + healthy : start + period
        }
    }

    /// `value` modulo `period` (both non-negative), exact to the nanosecond.
    private static func remainder(_ value: Duration, _ period: Duration) -> Duration {
        .nanoseconds(value.nanoseconds % period.nanoseconds)
    }
}

extension Duration {
    /// Whole nanoseconds (a schedule's durations are far below the ~292 years that fit).
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
