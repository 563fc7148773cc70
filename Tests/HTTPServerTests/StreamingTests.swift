import HTTP
import HTTPServer
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct StreamingTests {
    @Test @LoopActor func chunksReachTheClientAsTheyAreWritten() async throws {
        let gate = Gate()
        var router = Router()
        router.get("/logs", streaming: { _, writer in
            do {
                try writer.writeHead(.ok, headers: ["Content-Type": "text/plain"])
                try await writer.write(Array("first line\n".utf8))
                await gate.wait()
                try await writer.write(Array("second line\n".utf8))
            } catch {}
            // Returning without end(): the server ends the response.
        })
        let server = try startServer(router)
        let port = server.port
        let client = try await offLoop { try RawClient(port: port) }
        let first = try await offLoop {
            try client.send("GET /logs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return client.read(until: "first line\n")
        }
        #expect(first.contains("Transfer-Encoding: chunked"))
        #expect(first.hasSuffix("b\r\nfirst line\n\r\n"))
        #expect(!first.contains("second"))
        gate.open()
        let rest = try await offLoop { client.readUntilClose() }
        #expect(rest.text == "c\r\nsecond line\n\r\n0\r\n\r\n")
        #expect(rest.closed)
        await server.stop()
    }

    @Test @LoopActor func aHeadWithALengthWaitsForItsBodyAndAChunkedHeadDoesNot() async throws {
        let gate = Gate()
        let headWritten = Reports<String>()
        var router = Router()
        for (path, headers) in [("/sized", ["Content-Length": "5"]), ("/chunked", [:] as HTTPHeaders)] {
            router.get(path, streaming: { _, writer in
                do {
                    try writer.writeHead(.ok, headers: headers)
                    headWritten.send(path)
                    await gate.wait()
                    try await writer.write(Array("hello".utf8))
                } catch {}
                writer.end()
            })
        }
        let server = try startServer(router)
        let port = server.port
        let sized = try await offLoop { try RawClient(port: port) }
        let chunked = try await offLoop { try RawClient(port: port) }
        try await offLoop { try sized.send("GET /sized HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") }
        #expect(await headWritten.next() == "/sized")
        try await offLoop { try chunked.send("GET /chunked HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") }
        #expect(await headWritten.next() == "/chunked")
        // Both heads were written before these reports; on loopback a sent segment is already queued.
        let chunkedHead = try await offLoop { chunked.read(until: "\r\n\r\n") }
        #expect(chunkedHead.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(try await offLoop { sized.bytesWaiting() } == 0)
        gate.open()
        let response = try await offLoop { sized.readUntilClose() }
        #expect(response.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(split(response.text).body == "hello")
        #expect(try await offLoop { chunked.readUntilClose() }.text == "5\r\nhello\r\n0\r\n\r\n")
        await server.stop()
    }

    @Test @LoopActor func http10StreamsAreCloseDelimited() async throws {
        var router = Router()
        router.get("/logs", streaming: { _, writer in
            try? writer.writeHead(.ok, headers: [:])
            try? await writer.write(Array("one ".utf8))
            try? await writer.write(Array("two".utf8))
            writer.end()
        })
        let server = try startServer(router)
        let response = try await exchange(port: server.port, "GET /logs HTTP/1.0\r\n\r\n")
        let (head, body) = split(response.text)
        #expect(!head.contains("chunked"))
        #expect(head.contains("Connection: close"))
        #expect(body == "one two")
        #expect(response.closed)
        await server.stop()
    }

    @Test @LoopActor func aHandlerThatNeverAnswersGets500() async throws {
        var router = Router()
        router.get("/silent", streaming: { _, _ in })
        let server = try startServer(router)
        let response = try await exchange(port: server.port, "GET /silent HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(response.text.hasPrefix("HTTP/1.1 500 Internal Server Error\r\n"))
        await server.stop()
    }

    @Test @LoopActor func writerMisuseThrowsInvalidState() async throws {
        let reports = Reports<[String]>()
        var router = Router()
        router.get("/misuse", streaming: { _, writer in
            var errors: [String] = []
            do { try await writer.write([1]) } catch { errors.append("\(error)") }
            try? writer.writeHead(.ok, headers: ["Content-Length": "2"])
            do { try writer.writeHead(.ok, headers: [:]) } catch { errors.append("\(error)") }
            do { _ = try writer.upgrade(headers: [:]) } catch { errors.append("\(error)") }
            try? await writer.write(Array("ok".utf8))
            writer.end()
            do { try await writer.write([1]) } catch { errors.append("\(error)") }
            reports.send(errors)
        })
        let server = try startServer(router)
        let response = try await exchange(port: server.port, "GET /misuse HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(split(response.text).body == "ok")
        let errors = await reports.next() ?? []
        #expect(errors.count == 4)
        #expect(errors.allSatisfy { $0.contains("invalidState") })
        await server.stop()
    }

    @Test @LoopActor func writeSuspendsUntilTheClientReads() async throws {
        let size = 48 << 20
        let aboutToWrite = Gate()
        let returned = Locked(false)
        var router = Router()
        router.get("/big", streaming: { _, writer in
            do {
                try writer.writeHead(.ok, headers: ["Content-Length": String(size)])
                aboutToWrite.open()
                try await writer.write([UInt8](repeating: UInt8(ascii: "a"), count: size))
                returned.withLock { $0 = true }
                writer.end()
            } catch {}
        })
        let server = try startServer(router) { $0.writeHighWaterMark = 1024 }
        let port = server.port
        let client = try await offLoop {
            let client = try RawClient(port: port)
            try client.send("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return client
        }
        await aboutToWrite.wait()
        // The handler ran up to its first suspension before this job: the write is parked behind the
        // kernel buffers, which cannot hold 48 MiB while nobody reads.
        #expect(returned.withLock { $0 } == false)
        let response = try await offLoop { client.readUntilClose() }
        #expect(split(response.text).body.utf8.count == size)
        #expect(returned.withLock { $0 } == true)
        await server.stop()
    }

    @Test @LoopActor func aClientHangingUpMidStreamFailsWritesAndEndsClosed() async throws {
        let started = Gate()
        let reports = Reports<String>()
        var router = Router()
        router.get("/follow", streaming: { _, writer in
            do {
                try writer.writeHead(.ok, headers: [:])
                try await writer.write(Array("hello\n".utf8))
            } catch {
                reports.send("early \(error)")
                return
            }
            started.open()
            await writer.closed()
            reports.send("closed isClosed=\(writer.isClosed)")
            do {
                try await writer.write(Array("more".utf8))
                reports.send("write succeeded")
            } catch let error as HTTPWriteError {
                reports.send("write threw \(error)")
            } catch {
                reports.send("write threw something else")
            }
        })
        let server = try startServer(router)
        let port = server.port
        let client = try await offLoop {
            let client = try RawClient(port: port)
            try client.send("GET /follow HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = client.read(until: "hello\n")
            return client
        }
        await started.wait()
        client.close()
        #expect(await reports.next() == "closed isClosed=true")
        #expect(await reports.next() == "write threw connectionClosed")
        #expect(await eventually { server.connectionCount == 0 })
        await server.stop()
    }

    @Test @LoopActor func aProducerThatKeepsWritingIsStoppedByAHangUp() async throws {
        let reports = Reports<String>()
        var router = Router()
        router.get("/flood", streaming: { _, writer in
            do {
                try writer.writeHead(.ok, headers: [:])
                while true { try await writer.write([UInt8](repeating: 66, count: 16 * 1024)) }
            } catch {
                reports.send("\(error)")
            }
        })
        let server = try startServer(router) { $0.writeHighWaterMark = 64 * 1024 }
        let port = server.port
        try await offLoop {
            let client = try RawClient(port: port)
            try client.send("GET /flood HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = client.read(until: "BBBB")
            client.close()
        }
        #expect(await reports.next() == "connectionClosed")
        await server.stop()
        #expect(server.connectionCount == 0)
    }
}
