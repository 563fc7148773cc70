import Loop

/// The draws a simulation makes.
extension SplitMix64 {
    /// Uniform in [0, 1), from the top 53 bits.
    mutating func fraction() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [0, `limit`], in whole milliseconds: timelines stay readable and tests exact.
    mutating func duration(upTo limit: Duration) -> Duration {
        let milliseconds = (limit / .milliseconds(1)).rounded(.down)
        guard milliseconds >= 1 else { return .zero }
        return .milliseconds(Int64((fraction() * (milliseconds + 1)).rounded(.down)))
    }

    /// 64 hex digits, as a container runtime's IDs and image digests look.
    mutating func hex64() -> String {
        (0..<4).map { _ in
            let word = String(next(), radix: 16)
            return String(repeating: "0", count: 16 - word.count) + word
        }.joined()
    }

    /// FNV-1a of the UTF-8 bytes: a hash that stays the same from one process to the next, which
    /// Swift's `Hasher` (seeded per process) does not.
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
