import Glibc
import HTTP
import HTTPServer
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct ConnectionTests {
    @LoopActor
    static func router(streamGate: Gate? = nil) -> Router {
        var router = Router()
        router.get("/a") { _ in .text("<A>") }
        router.get("/c") { _ in .text("<C>") }
        router.get("/stream", streaming: { _, writer in
            do {
                try writer.writeHead(.ok, headers: ["Content-Type": "text/plain"])
                try await writer.write(Array("<S1".utf8))
                if let streamGate { await streamGate.wait() } else { await Task.yield() }
                try await writer.write(Array("S2>".utf8))
                writer.end()
            } catch {}
        })
        router.post("/echo") { request in
            HTTPResponse(status: .ok, headers: ["X-Length": String(request.body.count)], body: request.body)
        }
        return router
    }

    @Test @LoopActor func keepAliveServesTwoRequestsOnOneConnection() async throws {
        let server = try startServer(Self.router())
        let port = server.port
        let (first, second, end) = try await offLoop {
            let client = try RawClient(port: port)
            try client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
            let first = client.read(until: "<A>")
            try client.send("GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let second = client.read(until: "<C>")
            return (first, second, client.readUntilClose())
        }
        #expect(first.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(!first.contains("Connection: close"))
        #expect(second.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(second.contains("Connection: close"))
        #expect(end.closed && end.text.isEmpty)
        await server.stop()
        #expect(server.connectionCount == 0)
    }

    @Test @LoopActor func http10ClosesUnlessAskedToKeepAlive() async throws {
        let server = try startServer(Self.router())
        let plain = try await exchange(port: server.port, "GET /a HTTP/1.0\r\n\r\n")
        #expect(plain.closed)
        #expect(plain.text.contains("Connection: close"))
        #expect(plain.text.hasSuffix("<A>"))

        let port = server.port
        let (first, second) = try await offLoop {
            let client = try RawClient(port: port)
            try client.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let first = client.read(until: "<A>")
            try client.send("GET /c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            return (first, client.read(until: "<C>"))
        }
        #expect(first.contains("Connection: keep-alive"))
        #expect(second.contains("<C>"))
        await server.stop()
    }

    @Test @LoopActor func pipelinedRequestsAreAnsweredInOrder() async throws {
        let gate = Gate()
        let server = try startServer(Self.router(streamGate: gate))
        let port = server.port
        let client = try await offLoop { try RawClient(port: port) }
        let head = try await offLoop {
            try client.send(
                "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /stream HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return client.read(until: "<S1")
        }
        // The streaming response is open: /c must wait behind it.
        #expect(head.contains("<A>"))
        #expect(!head.contains("<C>"))
        gate.open()
        let rest = try await offLoop { client.readUntilClose() }
        let all = head + rest.text
        let a = try #require(all.range(of: "<A>"))
        let s = try #require(all.range(of: "S2>"))
        let c = try #require(all.range(of: "<C>"))
        #expect(a.upperBound <= s.lowerBound && s.upperBound <= c.lowerBound)
        #expect(all.contains("Transfer-Encoding: chunked"))
        #expect(all.components(separatedBy: "HTTP/1.1 200 OK").count == 4)
        #expect(rest.closed)
        await server.stop()
    }

    @Test @LoopActor func answersToPipelinedRequestsLeaveInOneWrite() async throws {
        var router = Router()
        // Each request runs as a task of its own, started when the one before it has answered.
        router.get("/n/{n}", streaming: { request, writer in
            try? await writer.respond(.text("<\(request.pathParameters["n"] ?? "")>"))
        })
        let server = try startServer(router)
        let port = server.port
        let bursts = try await offLoop {
            let client = try RawClient(port: port)
            var bursts: [(text: String, reads: Int)] = []
            // The ten tasks run in one loop turn and their answers leave in one write, read at once.
            // Other tests share the loop: one that floods it with jobs ends the turn early, so a
            // burst is sent again, up to 5 times, until one turn carried it.
            for _ in 0..<5 {
                let before = client.reads
                try client.send((0..<10).map { "GET /n/\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())
                bursts.append((client.read(until: "<9>"), client.reads - before))
                if bursts.last!.reads == 1 { break }
                usleep(500_000)
            }
            return bursts
        }
        for burst in bursts {
            let order = (0..<10).compactMap { burst.text.range(of: "<\($0)>")?.lowerBound }
            #expect(order.count == 10 && order == order.sorted())
        }
        #expect(bursts.last?.reads == 1)
        await server.stop()
    }

    @Test @LoopActor func aSlowPipelinedRequestDoesNotHoldBackTheAnswerBeforeIt() async throws {
        let gate = Gate()
        var router = Router()
        router.get("/fast", streaming: { _, writer in try? await writer.respond(.text("<fast>")) })
        router.get("/slow", streaming: { _, writer in
            await gate.wait()
            try? await writer.respond(.text("<slow>"))
        })
        let server = try startServer(router)
        let port = server.port
        let client = try await offLoop { try RawClient(port: port) }
        let first = try await offLoop {
            try client.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\nGET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            return client.read(until: "<fast>")
        }
        #expect(first.contains("<fast>") && !first.contains("<slow>"))
        gate.open()
        let second = try await offLoop { client.read(until: "<slow>") }
        #expect(second.contains("<slow>"))
        await server.stop()
    }

    @Test @LoopActor func contentLengthAndChunkedBodiesAreEchoed() async throws {
        let server = try startServer(Self.router())
        let sized = try await exchange(
            port: server.port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello world")
        #expect(sized.text.contains("X-Length: 11"))
        #expect(split(sized.text).body == "hello world")

        let chunked = try await exchange(
            port: server.port,
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
        #expect(chunked.text.contains("X-Length: 11"))
        #expect(split(chunked.text).body == "hello world")
        await server.stop()
    }

    @Test @LoopActor func expectContinueGetsA100BeforeTheBody() async throws {
        let server = try startServer(Self.router())
        let port = server.port
        let (interim, final) = try await offLoop {
            let client = try RawClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            let interim = client.read(until: "\r\n\r\n")
            try client.send("ping")
            return (interim, client.read(until: "ping"))
        }
        #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n")
        #expect(final.hasPrefix("HTTP/1.1 200 OK"))
        #expect(final.hasSuffix("ping"))
        await server.stop()
    }

    @Test @LoopActor func curlPostsAChunkedBody() async throws {
        let server = try startServer(Self.router())
        let result = try await curl([
            "-H", "Transfer-Encoding: chunked", "--data-binary", "some data", "http://127.0.0.1:\(server.port)/echo",
        ])
        #expect(result.output == "some data", "\(result.errors)")
        await server.stop()
    }
}
