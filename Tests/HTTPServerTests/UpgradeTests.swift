import HTTP
import HTTPServer
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct UpgradeTests {
    @LoopActor
    static func echoRouter(ended: Gate) -> Router {
        var router = Router()
        router.get("/echo", streaming: { request, writer in
            guard request.isUpgrade else {
                try? await writer.respond(.text("not an upgrade", status: .badRequest))
                return
            }
            do {
                let connection = try writer.upgrade(headers: ["Upgrade": "echo"])
                for await bytes in connection.inbound {
                    try await connection.write(Array("[".utf8) + bytes + Array("]".utf8))
                }
                connection.close()
            } catch {}
            ended.open()
        })
        router.get("/plain", streaming: { _, writer in
            try? await writer.respond(.text("no upgrade here"))
        })
        return router
    }

    @Test @LoopActor func upgradedConnectionsCarryRawBytesBothWays() async throws {
        let ended = Gate()
        let server = try startServer(Self.echoRouter(ended: ended))
        let port = server.port
        let client = try await offLoop { try RawClient(port: port) }
        let head = try await offLoop {
            try client.send("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nearly")
            return client.read(until: "[early]")
        }
        #expect(head.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
        #expect(head.contains("Upgrade: echo\r\n"))
        #expect(head.contains("Connection: Upgrade\r\n"))
        #expect(!head.contains("Content-Length"))
        #expect(head.hasSuffix("\r\n\r\n[early]"))
        let echoed = try await offLoop {
            try client.send("ping")
            let first = client.read(until: "[ping]")
            try client.send("GET / HTTP/1.1\r\n\r\n")
            return first + client.read(until: "HTTP/1.1\r\n\r\n]")
        }
        #expect(echoed == "[ping][GET / HTTP/1.1\r\n\r\n]")
        client.close()
        await ended.wait()
        #expect(await eventually { server.connectionCount == 0 })
        await server.stop()
    }

    @Test @LoopActor func anUpgradeRequestThatIsNotUpgradedIsAnsweredThenClosed() async throws {
        let server = try startServer(Self.echoRouter(ended: Gate()))
        let response = try await exchange(
            port: server.port, "GET /plain HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nGET /plain HTTP/1.1\r\n\r\n")
        #expect(response.text.hasPrefix("HTTP/1.1 200 OK"))
        #expect(response.text.contains("Connection: close"))
        #expect(response.text.components(separatedBy: "HTTP/1.1 200").count == 2)
        #expect(response.closed)
        await server.stop()
    }

    @Test @LoopActor func theServerStopClosesUpgradedConnectionsAfterTheGracePeriod() async throws {
        let clock = ManualClock()
        let ended = Gate()
        let server = try startServer(Self.echoRouter(ended: ended)) { $0.clock = clock }
        let port = server.port
        let client = try await offLoop {
            let client = try RawClient(port: port)
            try client.send("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nhi")
            _ = client.read(until: "[hi]")
            return client
        }
        let stopped = Task { @LoopActor in await server.stop(gracePeriod: .seconds(5)) }
        // Still upgraded during the grace period.
        let echo = try await offLoop {
            try client.send("again")
            return client.read(until: "[again]")
        }
        #expect(echo == "[again]")
        clock.advance(by: .seconds(6))
        await stopped.value
        await ended.wait()
        #expect(server.connectionCount == 0)
        #expect(try await offLoop { client.readUntilClose().closed })
    }
}

@Suite(.timeLimit(.minutes(1))) struct TLSUpgradeTests {
    @Test @LoopActor func upgradesWorkOverTLS() async throws {
        let certs = try sharedCertificates.get()
        let ended = Gate()
        let server = try startServer(UpgradeTests.echoRouter(ended: ended)) {
            $0.tls = TLSConfiguration(certificateChain: .file(certs.serverCert), privateKey: .file(certs.serverKey))
        }
        let port = server.port
        let (head, echoed) = try await offLoop {
            let client = try TLSClient(port: port, caFile: certs.caCert)
            client.send("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nearly")
            let head = client.read(until: "[early]")
            client.send("over tls")
            return (head, client.read(until: "[over tls]"))
        }
        #expect(head.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
        #expect(head.hasSuffix("\r\n\r\n[early]"))
        #expect(echoed == "[over tls]")
        await ended.wait()
        await server.stop()
        #expect(server.connectionCount == 0)
    }
}
