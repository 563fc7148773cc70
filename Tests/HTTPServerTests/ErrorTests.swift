import HTTP
import HTTPServer
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct ErrorTests {
    @LoopActor
    static func start(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws -> (HTTPServer, Counter) {
        let calls = Counter()
        var router = Router()
        router.post("/upload") { request in
            calls.increment()
            return .text("got \(request.body.count)")
        }
        router.get("/") { _ in
            calls.increment()
            return .text("root")
        }
        return (try startServer(router, configure), calls)
    }

    @Test @LoopActor func garbageIsA400ThenClose() async throws {
        let (server, calls) = try Self.start()
        let response = try await exchange(port: server.port, "\u{1}\u{2} NOT HTTP AT ALL\r\n\r\n")
        #expect(response.text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(response.text.contains("Connection: close"))
        #expect(response.closed)
        #expect(calls.count == 0)
        await server.stop()
    }

    @Test @LoopActor func anErrorAfterAGoodPipelinedRequestComesSecond() async throws {
        let (server, _) = try Self.start()
        let response = try await exchange(port: server.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/9\u{7f}\r\n\r\n")
        #expect(response.text.hasPrefix("HTTP/1.1 200 OK"))
        #expect(response.text.contains("root"))
        #expect(response.text.contains("HTTP/1.1 400 Bad Request"))
        #expect(response.closed)
        await server.stop()
    }

    @Test @LoopActor func oversizeContentLengthIs413ThenClose() async throws {
        let (server, calls) = try Self.start { $0.maxBodyBytes = 1024 }
        let response = try await exchange(
            port: server.port, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + String(repeating: "x", count: 2000))
        #expect(response.text.hasPrefix("HTTP/1.1 413 Payload Too Large\r\n"))
        #expect(response.closed)
        #expect(calls.count == 0)
        await server.stop()
    }

    @Test @LoopActor func oversizeChunkedBodyIs413ThenClose() async throws {
        let (server, calls) = try Self.start { $0.maxBodyBytes = 1024 }
        let chunk = String(repeating: "y", count: 600)
        let response = try await exchange(
            port: server.port,
            "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n0\r\n\r\n")
        #expect(response.text.hasPrefix("HTTP/1.1 413 Payload Too Large\r\n"))
        #expect(response.closed)
        #expect(calls.count == 0)

        let small = try await exchange(
            port: server.port,
            "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n258\r\n\(chunk)\r\n0\r\n\r\n")
        #expect(small.text.hasSuffix("got 600"))
        await server.stop()
    }

    @Test @LoopActor func oversizeHeaderBlockIs431ThenClose() async throws {
        let (server, calls) = try Self.start { $0.maxHeaderBytes = 1024 }
        let filler = String(repeating: "z", count: 2000)
        let response = try await exchange(port: server.port, "GET / HTTP/1.1\r\nHost: x\r\nX-Filler: \(filler)\r\n\r\n")
        #expect(response.text.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
        #expect(response.closed)

        let many = (0..<200).map { "X-\($0): v\r\n" }.joined()
        let manyResponse = try await exchange(port: server.port, "GET / HTTP/1.1\r\nHost: x\r\n\(many)\r\n")
        #expect(manyResponse.text.hasPrefix("HTTP/1.1 431 "))
        #expect(calls.count == 0)

        let fits = try await exchange(port: server.port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(fits.text.hasSuffix("root"))
        await server.stop()
    }

    @Test @LoopActor func randomInputNeverCrashesTheServer() async throws {
        let (server, _) = try Self.start { $0.maxHeaderBytes = 4096; $0.maxBodyBytes = 4096 }
        let port = server.port
        var generator = SystemRandomNumberGenerator()
        let seeds: [String] = [
            "GET / HTTP/1.1\r\n", "POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "GET /%%% HTTP/1.1\r\nHost: \u{0}\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "GET / HTTP/1.1\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\nrest",
        ]
        for round in 0..<40 {
            var bytes = Array(seeds[round % seeds.count].utf8)
            for _ in 0..<Int.random(in: 0..<300, using: &generator) { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
            let payload = bytes
            _ = try await offLoop {
                let client = try RawClient(port: port, readTimeout: 0.2)
                try? client.send(payload)
                return client.readUntilClose()
            }
        }
        let healthy = try await exchange(port: port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(healthy.text.hasSuffix("root"))
        await server.stop()
        #expect(server.connectionCount == 0)
    }
}
