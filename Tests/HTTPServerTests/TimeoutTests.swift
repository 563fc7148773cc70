import HTTP
import HTTPServer
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct TimeoutTests {
    @LoopActor
    static func start(clock: ManualClock) throws -> HTTPServer {
        var router = Router()
        router.get("/") { _ in .text("root") }
        return try startServer(router) {
            $0.clock = clock
            $0.headerTimeout = .seconds(10)
            $0.idleTimeout = .seconds(60)
        }
    }

    @Test @LoopActor func slowHeadersAreCutOffAfterTheHeaderTimeout() async throws {
        let clock = ManualClock()
        let server = try Self.start(clock: clock)
        let port = server.port
        let client = try await offLoop {
            let client = try RawClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            return client
        }
        #expect(await eventually { server.connectionCount == 1 })
        clock.advance(by: .seconds(12))
        let result = try await offLoop { client.readUntilClose() }
        #expect(result.closed)
        #expect(result.text.isEmpty)
        #expect(await eventually { server.connectionCount == 0 })
        await server.stop()
    }

    @Test @LoopActor func headersThatArriveInTimeAreServed() async throws {
        let clock = ManualClock()
        let server = try Self.start(clock: clock)
        let port = server.port
        let client = try await offLoop {
            let client = try RawClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n")
            return client
        }
        #expect(await eventually { server.connectionCount == 1 })
        clock.advance(by: .seconds(8))
        let response = try await offLoop {
            try client.send("Connection: close\r\n\r\n")
            return client.readUntilClose()
        }
        #expect(response.text.hasSuffix("root"))
        await server.stop()
    }

    @Test @LoopActor func idleKeepAliveConnectionsAreClosed() async throws {
        let clock = ManualClock()
        let server = try Self.start(clock: clock)
        let port = server.port
        let (client, first) = try await offLoop {
            let client = try RawClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            return (client, client.read(until: "root"))
        }
        #expect(first.hasSuffix("root"))
        clock.advance(by: .seconds(30))
        // Still open half-way through the idle timeout.
        let second = try await offLoop {
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            return client.read(until: "root")
        }
        #expect(second.hasSuffix("root"))
        clock.advance(by: .seconds(62))
        let result = try await offLoop { client.readUntilClose() }
        #expect(result.closed)
        #expect(result.text.isEmpty)
        #expect(await eventually { server.connectionCount == 0 })
        await server.stop()
    }
}
