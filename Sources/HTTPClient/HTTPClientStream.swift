import HTTP
import Loop

/// A response whose body is read as it arrives: iterate it for byte chunks, or `lines` for
/// newline-delimited records (watch events).
public struct HTTPClientStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public let status: HTTPStatus
    public let headers: HTTPHeaders
    let body: ResponseBody

    public struct AsyncIterator: AsyncIteratorProtocol {
        let body: ResponseBody
        public mutating func next() async throws -> [UInt8]? { try await body.transfer.nextChunk() }

        /// Runs on the caller's actor: a loop-resident reader (a watch) takes no thread hop per chunk.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> [UInt8]? {
            try await body.transfer.nextChunk()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: body) }

    /// The body split at `\n` (a trailing `\r` is dropped); a last line without newline is yielded too.
    public var lines: LineSequence<HTTPClientStream> { LineSequence(self) }

    /// Reads the rest of the body.
    public func collect(limit: Int = .max) async throws -> [UInt8] {
        var all: [UInt8] = []
        for try await chunk in self {
            all += chunk
            if all.count > limit { throw HTTPClientError(.transport, "response body exceeds \(limit) bytes") }
        }
        return all
    }

    /// Aborts the transfer now instead of when the stream is released.
    public func cancel() async { await body.transfer.cancel() }
}

/// Owns the transfer for the stream's readers: when the last copy goes away unread, the transfer is aborted.
final class ResponseBody: Sendable {
    let transfer: Transfer
    init(_ transfer: Transfer) { self.transfer = transfer }
    deinit {
        let transfer = transfer
        Task { @LoopActor in transfer.cancel() }
    }
}

/// Splits a byte-chunk sequence into lines.
public struct LineSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == [UInt8] {
    public typealias Element = [UInt8]
    let base: Base

    public init(_ base: Base) { self.base = base }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        var pending: [UInt8] = []
        /// Where the next line starts in `pending`: lines are sliced off by moving this, and the consumed
        /// prefix is dropped only when more bytes arrive, so a chunk of many lines is not shifted per line.
        var start = 0
        /// Bytes from `start` already known to hold no newline.
        var scanned = 0
        var finished = false

        public mutating func next() async throws -> [UInt8]? {
            try await next(isolation: nil)
        }

        /// Runs on the caller's actor, as the base iterator does (see `HTTPClientStream.AsyncIterator`).
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> [UInt8]? {
            while true {
                if let newline = pending[(start + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
                    var end = newline
                    if end > start, pending[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                    let line = Array(pending[start..<end])
                    start = newline + 1
                    scanned = 0
                    return line
                }
                scanned = pending.count - start
                if finished {
                    guard start < pending.count else { return nil }
                    defer { pending = []; start = 0; scanned = 0 }
                    return Array(pending[start...])
                }
                guard let chunk = try await base.next(isolation: actor) else {
                    finished = true
                    continue
                }
                pending.removeSubrange(..<start)
                start = 0
                pending += chunk
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator()) }
}
