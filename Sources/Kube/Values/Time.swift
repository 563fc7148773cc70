#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An instant as seconds plus nanoseconds since the Unix epoch: what `Time` and `MicroTime` share.
/// Their wire formats differ only in precision.
public protocol KubeTimestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    var seconds: Int64 { get }
    /// 0 ..< 1 000 000 000.
    var nanoseconds: Int32 { get }
    /// Normalises any nanosecond count into `seconds` (no precision is dropped here).
    init(seconds: Int64, nanoseconds: Int64)
    /// Digits of fraction written on the wire.
    static var fractionDigits: Int { get }
}

extension KubeTimestamp {
    /// The wall clock (CLOCK_REALTIME).
    public static func now() -> Self {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Self(seconds: Int64(spec.tv_sec), nanoseconds: Int64(spec.tv_nsec))
    }

    /// Parses RFC 3339; nil when malformed. Precision beyond the wire format's is dropped.
    public init?(rfc3339 text: String) {
        guard let parsed = try? RFC3339.parse(text) else { return nil }
        self.init(parsed)
    }

    /// The wire form: UTC, `fractionDigits` digits of fraction.
    public var rfc3339: String {
        RFC3339.format(seconds: seconds, nanoseconds: nanoseconds, fractionDigits: Self.fractionDigits)
    }

    public var description: String { rfc3339 }

    public static func < (a: Self, b: Self) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    public static func + (time: Self, duration: Duration) -> Self {
        let (seconds, attoseconds) = duration.components
        return Self(seconds: time.seconds + seconds, nanoseconds: Int64(time.nanoseconds) + attoseconds / 1_000_000_000)
    }

    public static func - (time: Self, duration: Duration) -> Self { time + (.zero - duration) }

    public static func += (time: inout Self, duration: Duration) { time = time + duration }
    public static func -= (time: inout Self, duration: Duration) { time = time - duration }

    /// The signed time from `b` to `a`.
    public static func - (a: Self, b: Self) -> Duration {
        .seconds(a.seconds - b.seconds) + .nanoseconds(Int64(a.nanoseconds) - Int64(b.nanoseconds))
    }

    /// Drops precision finer than the wire format keeps.
    init(_ parsed: (seconds: Int64, nanoseconds: Int32)) {
        var divisor: Int32 = 1
        for _ in Self.fractionDigits..<9 { divisor *= 10 }
        self.init(seconds: parsed.seconds, nanoseconds: Int64(parsed.nanoseconds / divisor * divisor))
    }
}

/// Shared normalisation: carries whole seconds out of the nanosecond count, flooring negatives.
private func normalize(_ seconds: Int64, _ nanoseconds: Int64) -> (Int64, Int32) {
    let carry = RFC3339.floorDivide(nanoseconds, 1_000_000_000)
    return (seconds + carry, Int32(nanoseconds - carry * 1_000_000_000))
}

private func decodeTimestamp(_ decoder: any Decoder, kind: String) throws -> (seconds: Int64, nanoseconds: Int32) {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    do {
        return try RFC3339.parse(text)
    } catch {
        throw DecodingError.dataCorruptedError(
            in: container, debugDescription: "invalid \(kind) (expected RFC 3339): \(error.description)")
    }
}

/// `metav1.Time`: an RFC 3339 timestamp with whole-second precision on the wire
/// (`2026-11-22T04:59:40Z`). Decoding accepts fractions and offsets and truncates to the second,
/// as the API server stores it; values made in memory (`now()`, arithmetic) keep nanoseconds until
/// encoded.
public struct Time: KubeTimestamp {
    public private(set) var seconds: Int64
    public private(set) var nanoseconds: Int32

    public static var fractionDigits: Int { 0 }

    public init(seconds: Int64, nanoseconds: Int64 = 0) {
        (self.seconds, self.nanoseconds) = normalize(seconds, nanoseconds)
    }

    /// The same instant, truncated to the second.
    public init(_ time: MicroTime) {
        self.init(seconds: time.seconds)
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decodeTimestamp(decoder, kind: "Time"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }
}

/// `metav1.MicroTime`: RFC 3339 with exactly six fraction digits on the wire
/// (`2026-11-22T04:59:40.551435Z`) — the 1.19 API server rejects any other digit count, so
/// encoding must never vary. Decoding is lenient (any fraction, offsets) and keeps microseconds.
public struct MicroTime: KubeTimestamp {
    public private(set) var seconds: Int64
    public private(set) var nanoseconds: Int32

    public static var fractionDigits: Int { 6 }

    public init(seconds: Int64, nanoseconds: Int64 = 0) {
        (self.seconds, self.nanoseconds) = normalize(seconds, nanoseconds)
    }

    public init(_ time: Time) {
        self.init(seconds: time.seconds, nanoseconds: Int64(time.nanoseconds))
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decodeTimestamp(decoder, kind: "MicroTime"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }
}
