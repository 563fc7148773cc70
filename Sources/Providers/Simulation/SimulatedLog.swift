import Kube
import NodeAgent

/// A simulated container's log: lines with the times they were written, cut as the kubelet API's
/// `/containerLogs` options ask. The mock and the simulator both write theirs this way.
struct SimulatedLog {
    struct Line {
        var time: Time
        var text: String
    }

    var lines: [Line]

    /// `sinceSeconds` keeps the lines written since then, `tailLines` the last N of those,
    /// `timestamps` puts each line's time first, `limitBytes` cuts the result.
    func bytes(_ options: LogOptions, now: Time) -> [UInt8] {
        var kept = lines
        if let since = options.sinceSeconds { kept = kept.filter { $0.time >= now - .seconds(since) } }
        if let tail = options.tailLines { kept = Array(kept.suffix(max(tail, 0))) }
        let bytes = Array(kept.map { Self.text($0, timestamps: options.timestamps) }.joined().utf8)
        guard let limit = options.limitBytes else { return bytes }
        return Array(bytes.prefix(max(limit, 0)))
    }

    static func text(_ line: Line, timestamps: Bool) -> String {
        (timestamps ? line.time.rfc3339 + " " : "") + line.text + "\n"
    }

    typealias Stream = AsyncThrowingStream<[UInt8], any Error>

    /// `bytes` as one chunk, then the end unless `open` (a follower's stream stays open until the reader
    /// goes away, or whoever holds the continuation finishes it).
    static func stream(_ bytes: [UInt8], open: Bool) -> (stream: Stream, continuation: Stream.Continuation) {
        let (stream, continuation) = Stream.makeStream()
        if !bytes.isEmpty { continuation.yield(bytes) }
        if !open { continuation.finish() }
        return (stream, continuation)
    }
}
