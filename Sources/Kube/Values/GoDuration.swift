/// Durations written as Go's `time.ParseDuration` reads them (`1m30s`, `500ms`): virtual-kubelet's flags
/// and the kubemark provider's config use them.
public enum GoDuration {
    /// nil when malformed. A bare `0` is zero, as in Go.
    public static func parse(_ text: String) -> Duration? {
        let units: [(String, Duration)] = [
            ("ns", .nanoseconds(1)), ("us", .microseconds(1)), ("µs", .microseconds(1)), ("ms", .milliseconds(1)),
            ("s", .seconds(1)), ("m", .seconds(60)), ("h", .seconds(3600)),
        ]
        var rest = Substring(text)
        var total = Duration.zero
        guard !rest.isEmpty else { return nil }
        if rest == "0" { return .zero }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            // Two-letter units come first in the table, so `ms` is never read as `m`.
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += unit.1 * value
        }
        return total
    }
}
