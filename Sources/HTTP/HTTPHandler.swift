import Loop

/// Errors a handler sees while writing a streamed response.
public enum HTTPWriteError: Error, Sendable, Equatable {
    /// The client went away (or the server is stopping): stop producing.
    case connectionClosed
    /// `writeHead` was called twice, or `write` before `writeHead`.
    case invalidState(String)
}

/// The server side of one response, for handlers that stream (`logs -f`, watches) or upgrade.
///
/// Without a `Content-Length` header the body is sent chunked. `write` suspends while more than the
/// server's high-water mark is queued for the socket, so a slow reader slows the producer down.
@LoopActor
public protocol HTTPResponseWriter: AnyObject {
    func writeHead(_ status: HTTPStatus, headers: HTTPHeaders) throws
    func write(_ bytes: [UInt8]) async throws
    /// Finishes the response; further calls do nothing.
    func end()
    /// True once the client has gone away.
    var isClosed: Bool { get }
    /// Returns when the client goes away: lets a follow stream that waits for data notice a hang-up.
    func closed() async
    /// Answers `101 Switching Protocols` and hands the raw connection to the caller. Only valid for a
    /// request whose `isUpgrade` is true and before `writeHead`.
    func upgrade(headers: HTTPHeaders) throws -> any UpgradedConnection
}

extension HTTPResponseWriter {
    /// Sends a buffered response in one go.
    public func respond(_ response: HTTPResponse) async throws {
        var headers = response.headers
        headers.set("Content-Length", String(response.body.count))
        try writeHead(response.status, headers: headers)
        if !response.body.isEmpty { try await write(response.body) }
        end()
    }
}

/// A connection after `101 Switching Protocols`: raw bytes both ways.
@LoopActor
public protocol UpgradedConnection: AnyObject {
    /// Bytes from the client, starting with any that arrived behind the upgrade request; ends at hang-up.
    var inbound: AsyncStream<[UInt8]> { get }
    func write(_ bytes: [UInt8]) async throws
    func close()
}

/// What runs for a route.
public enum HTTPHandler: Sendable {
    /// Answers synchronously on the loop: for cheap handlers (`/healthz`), no task is created.
    case immediate(@LoopActor @Sendable (HTTPRequest) -> HTTPResponse)
    /// Runs as a task pinned to the loop; may await, stream and upgrade. A handler that returns
    /// without ending the response gets `end()` called for it.
    case streaming(@LoopActor @Sendable (HTTPRequest, any HTTPResponseWriter) async -> Void)
}
