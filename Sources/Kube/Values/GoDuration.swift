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

extension GoDuration {
    /// The text Go's `Duration.String` writes (`10s`, `1m20s`, `5m0s`, `1h0m0s`, `1.5s`, `500ms`): the
    /// kubelet's messages quote durations this way.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let total = Int128(seconds) * 1_000_000_000 + Int128(attoseconds / 1_000_000_000)
        let sign = total < 0 ? "-" : ""
        let nanoseconds = total.magnitude
        if nanoseconds == 0 { return "0s" }
        if nanoseconds < 1_000 { return "\(sign)\(nanoseconds)ns" }
        if nanoseconds < 1_000_000 { return sign + decimal(nanoseconds, unit: 1_000) + "µs" }
        if nanoseconds < 1_000_000_000 { return sign + decimal(nanoseconds, unit: 1_000_000) + "ms" }
        let hours = nanoseconds / 3_600_000_000_000
        let minutes = nanoseconds / 60_000_000_000 % 60
        let text = decimal(nanoseconds % 60_000_000_000, unit: 1_000_000_000) + "s"
        if hours > 0 { return "\(sign)\(hours)h\(minutes)m\(text)" }
        if minutes > 0 { return "\(sign)\(minutes)m\(text)" }
        return sign + text
    }

    /// `value / unit` with the fraction's trailing zeros dropped, as Go prints it.
    private static func decimal(_ value: UInt128, unit: UInt128) -> String {
        let whole = value / unit
        var fraction = value % unit
        guard fraction > 0 else { return "\(whole)" }
        var digits = String(unit).count - 1
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = String(fraction)
        return "\(whole)." + String(repeating: "0", count: digits - text.count) + text
    }
}
