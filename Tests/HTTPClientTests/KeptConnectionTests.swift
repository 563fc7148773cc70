import HTTP
@testable import HTTPClient
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) @LoopActor struct KeptConnectionTests {
    /// Between requests a kept-alive connection stays polled for input. When the server closes it
    /// while idle, the poll stops (a level-triggered end of file would otherwise wake the loop on
    /// every turn) and the next request goes out on a new connection.
    @Test func anIdleConnectionTheServerClosesIsUnwatchedAndReplaced() async throws {
        let clock = ManualClock()
        let server = try ClientTestServer(router: HTTPClientTests.echoRouter(), clock: clock)
        let client = HTTPClient()
        defer { client.shutdown() }
        let first = try await client.execute(HTTPClientRequest(url: server.url("/echo")))
        #expect(first.status == .ok)
        #expect(client.watchedSockets == 1)
        clock.advance(by: .seconds(120))  // past the server's idle timeout and its next sweep
        #expect(await eventually { client.watchedSockets == 0 })

        let second = try await client.execute(HTTPClientRequest(url: server.url("/echo")))
        #expect(second.status == .ok)
        #expect(second.headers["X-Peer"] != first.headers["X-Peer"])
        #expect(client.watchedSockets == 1)
        client.shutdown()
        #expect(client.watchedSockets == 0)
        await server.stop()
    }
}
