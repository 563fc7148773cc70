import HTTP
import Loop

/// A connection after `101 Switching Protocols`.
@LoopActor
final class UpgradedStream: UpgradedConnection {
    private let connection: Connection
    let inbound: AsyncStream<[UInt8]>
    private let continuation: AsyncStream<[UInt8]>.Continuation

    init(connection: Connection) {
        self.connection = connection
        (inbound, continuation) = AsyncStream<[UInt8]>.makeStream()
    }

    func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else {
            if connection.isClosed { throw HTTPWriteError.connectionClosed }
            return
        }
        try await connection.writeRaw(bytes)
    }

    /// Sends what is queued, then closes the connection.
    func close() { connection.closeGracefully() }

    func deliver(_ bytes: [UInt8]) { continuation.yield(bytes) }

    func finish() { continuation.finish() }
}
