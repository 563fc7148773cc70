import HTTP
import HTTPServer
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct StopTests {
    @Test @LoopActor func anInFlightResponseFinishesAfterStop() async throws {
        let gate = Gate()
        let started = Gate()
        var router = Router()
        router.get("/slow", streaming: { _, writer in
            do {
                try writer.writeHead(.ok, headers: [:])
                try await writer.write(Array("part one, ".utf8))
                started.open()
                await gate.wait()
                try await writer.write(Array("part two".utf8))
                writer.end()
            } catch {}
        })
        router.get("/quick") { _ in .text("quick") }
        let server = try startServer(router)
        let port = server.port
        let (slow, idle) = try await offLoop {
            let idle = try RawClient(port: port)
            try idle.send("GET /quick HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = idle.read(until: "quick")
            let slow = try RawClient(port: port)
            try slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = slow.read(until: "part one, ")
            return (slow, idle)
        }
        await started.wait()
        #expect(server.connectionCount == 2)

        let stopped = Task { @LoopActor in await server.stop() }
        // The idle keep-alive connection is closed at once; new connections are refused.
        let idleResult = try await offLoop { idle.readUntilClose() }
        #expect(idleResult.closed && idleResult.text.isEmpty)
        #expect(try await offLoop { canConnect(port: port) } == false)

        gate.open()
        let rest = try await offLoop { slow.readUntilClose() }
        #expect(rest.text.contains("part two"))
        #expect(rest.text.hasSuffix("0\r\n\r\n"))
        #expect(rest.closed)
        await stopped.value
        #expect(server.connectionCount == 0)
    }

    @Test @LoopActor func theGracePeriodForceClosesStreams() async throws {
        let clock = ManualClock()
        let reports = Reports<String>()
        var router = Router()
        router.get("/forever", streaming: { _, writer in
            do {
                try writer.writeHead(.ok, headers: [:])
                try await writer.write(Array("tick".utf8))
                reports.send("streaming")
                await writer.closed()
                try await writer.write(Array("tock".utf8))
            } catch {
                reports.send("\(error)")
            }
        })
        let server = try startServer(router) { $0.clock = clock }
        let port = server.port
        let client = try await offLoop {
            let client = try RawClient(port: port)
            try client.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = client.read(until: "tick")
            return client
        }
        #expect(await reports.next() == "streaming")
        let stopped = Task { @LoopActor in await server.stop(gracePeriod: .seconds(3)) }
        await Task.yield()
        #expect(await eventually { clock.pendingCount > 1 })  // the sweep and the grace timer
        clock.advance(by: .seconds(4))
        await stopped.value
        #expect(await reports.next() == "connectionClosed")
        #expect(server.connectionCount == 0)
        #expect(try await offLoop { client.readUntilClose().closed })
    }

    @Test @LoopActor func stopWithoutStartAndTwiceIsFine() async throws {
        let server = try HTTPServer(configuration: HTTPServerConfiguration(), router: Router())
        await server.stop()
        let running = try startServer(Router())
        await running.stop()
        await running.stop()
        #expect(running.connectionCount == 0)
    }
}
