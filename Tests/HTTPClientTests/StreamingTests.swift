import HTTP
import HTTPClient
import HTTPServer
import Loop
import TestSupport
import Testing

@LoopActor
private final class Progress {
    var written = 0
    var finished = false
}

@Suite(.timeLimit(.minutes(1))) @LoopActor struct StreamingTests {
    @Test func streamedBodyArrivesIncrementallyAsLines() async throws {
        let second = Gate()
        var router = Router()
        router.get("/watch", streaming: { _, writer in
            try? writer.writeHead(.ok, headers: ["Content-Type": "application/json"])
            try? await writer.write(Array("{\"type\":\"ADDED\"}\n{\"type\":".utf8))
            await second.wait()
            try? await writer.write(Array("\"MODIFIED\"}\r\nlast-line-without-newline".utf8))
            writer.end()
        })
        let server = try ClientTestServer(router: router)
        let client = HTTPClient()
        defer { client.shutdown() }

        let stream = try await client.stream(HTTPClientRequest(url: server.url("/watch")))
        #expect(stream.status == .ok)
        #expect(stream.headers["Content-Type"] == "application/json")
        var lines = stream.lines.makeAsyncIterator()
        // The first line arrives while the handler still waits: proof the body is not buffered whole.
        #expect(try await lines.next().map { String(decoding: $0, as: UTF8.self) } == "{\"type\":\"ADDED\"}")
        second.open()
        #expect(try await lines.next().map { String(decoding: $0, as: UTF8.self) } == "{\"type\":\"MODIFIED\"}")
        #expect(try await lines.next().map { String(decoding: $0, as: UTF8.self) } == "last-line-without-newline")
        #expect(try await lines.next() == nil)
        await server.stop()
    }

    @Test func slowReaderPausesTheTransfer() async throws {
        let total = 32 << 20
        let progress = Progress()
        var router = Router()
        router.get("/big", streaming: { _, writer in
            try? writer.writeHead(.ok, headers: ["Content-Length": String(total)])
            let block = (0..<(64 << 10)).map { UInt8(truncatingIfNeeded: $0) }
            while progress.written < total {
                guard (try? await writer.write(block)) != nil else { return }
                progress.written += block.count
            }
            writer.end()
            progress.finished = true
        })
        var configuration = HTTPServerConfiguration()
        configuration.writeHighWaterMark = 256 << 10
        let server = try HTTPServer(configuration: configuration, router: router)
        try server.start()
        var clientConfiguration = HTTPClientConfiguration()
        clientConfiguration.streamBufferLimit = 128 << 10
        let client = HTTPClient(configuration: clientConfiguration)
        defer { client.shutdown() }

        let stream = try await client.stream(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/big"))
        var iterator = stream.makeAsyncIterator()
        var received = try await iterator.next()?.count ?? 0
        // Give an unpaused client every chance to swallow the whole body; a paused one stalls the server.
        try await Task.sleep(for: .milliseconds(300))
        #expect(!progress.finished)
        #expect(progress.written < total / 2)
        while let chunk = try await iterator.next() { received += chunk.count }
        #expect(received == total)
        #expect(progress.finished)
        await server.stop(gracePeriod: .seconds(1))
    }

    @Test func cancellingTheReaderAbortsTheTransfer() async throws {
        let hangUpSeen = Gate()
        let firstSent = Gate()
        var router = Router()
        router.get("/follow", streaming: { _, writer in
            try? writer.writeHead(.ok, headers: HTTPHeaders())
            try? await writer.write(Array("line 1\n".utf8))
            firstSent.open()
            await writer.closed()
            hangUpSeen.open()
        })
        let server = try ClientTestServer(router: router)
        let client = HTTPClient()
        defer { client.shutdown() }

        let reader = Task { @LoopActor in
            let stream = try await client.stream(HTTPClientRequest(url: server.url("/follow")))
            var count = 0
            for try await line in stream.lines where !line.isEmpty { count += 1 }
            return count
        }
        await firstSent.wait()
        #expect(await eventually { client.activeRequests > 0 })
        reader.cancel()
        let result = await reader.result
        #expect(throws: HTTPClientError.self) { try result.get() }
        #expect(client.activeRequests == 0)
        // The aborted transfer closed its connection: the server's handler sees the hang-up.
        await hangUpSeen.wait()
        await server.stop()
    }

    @Test func droppingAStreamAbortsTheTransfer() async throws {
        let hangUpSeen = Gate()
        var router = Router()
        router.get("/follow", streaming: { _, writer in
            try? writer.writeHead(.ok, headers: HTTPHeaders())
            try? await writer.write(Array("hello\n".utf8))
            await writer.closed()
            hangUpSeen.open()
        })
        let server = try ClientTestServer(router: router)
        let client = HTTPClient()
        defer { client.shutdown() }
        do {
            let stream = try await client.stream(HTTPClientRequest(url: server.url("/follow")))
            var iterator = stream.makeAsyncIterator()
            _ = try await iterator.next()
        }
        #expect(await eventually { client.activeRequests == 0 })
        await hangUpSeen.wait()
        await server.stop()
    }

    /// Easy handles are recycled: a finished stream released later must not touch the request that
    /// now uses its handle.
    @Test func releasingAFinishedStreamLeavesItsRecycledHandleAlone() async throws {
        let release = Gate()
        var router = Router()
        router.get("/short") { _ in .text("done\n") }
        router.get("/long", streaming: { _, writer in
            try? writer.writeHead(.ok, headers: HTTPHeaders())
            await release.wait()
            try? await writer.write(Array("late\n".utf8))
            writer.end()
        })
        let server = try ClientTestServer(router: router)
        let client = HTTPClient()
        defer { client.shutdown() }
        var finished: HTTPClientStream? = try await client.stream(HTTPClientRequest(url: server.url("/short")))
        #expect(try await finished?.collect() == Array("done\n".utf8))
        let long = try await client.stream(HTTPClientRequest(url: server.url("/long")))
        finished = nil  // its deinit cancels a transfer that already ended
        for _ in 0..<10 { await Task.yield() }
        release.open()
        #expect(try await long.collect() == Array("late\n".utf8))
        await server.stop()
    }
}
