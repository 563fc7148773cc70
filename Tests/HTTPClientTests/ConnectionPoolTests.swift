import HTTP
@testable import HTTPClient
import HTTPServer
import Loop
import TestSupport
import Testing

/// The pool frames HTTP/1.1 itself over connections curl opens: these answers come from a raw
/// server, byte for byte, as servers send them.
@Suite(.timeLimit(.minutes(1))) @LoopActor struct ConnectionPoolTests {
    private nonisolated static func answer(_ head: String) -> String? {
        let target = head.split(separator: " ").dropFirst().first ?? ""
        switch target {
        case "/chunked":
            return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Kind: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        case "/interim":
            return "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
        case "/head":
            return "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n"
        case "/until-close":
            return "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it"
        case "/extra":
            return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokJUNK"
        default:
            return nil
        }
    }

    /// Bodies framed by length, by chunks or by the end of the connection, interim answers and HEAD;
    /// a connection is kept only when the server keeps it and sent nothing after the answer.
    @Test func answersEndInEveryWayHTTP11Allows() async throws {
        let server = try RawServer { connection, _ in
            while let head = connection.readRequest(), let answer = Self.answer(head) {
                connection.send(answer)
                if head.contains("/until-close") { return }
            }
        }
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let url = "http://127.0.0.1:\(server.port)"

        let chunked = try await client.execute(HTTPClientRequest(url: url + "/chunked"))
        #expect(chunked.status == .ok && chunked.text == "hello world" && chunked.headers["X-Kind"] == "chunked")
        let interim = try await client.execute(HTTPClientRequest(method: .post, url: url + "/interim", body: [1]))
        #expect(interim.status.code == 201 && interim.status.reason == "Created" && interim.text == "ok")
        let head = try await client.execute(HTTPClientRequest(method: .head, url: url + "/head"))
        #expect(head.status == .ok && head.body.isEmpty && head.headers["Content-Length"] == "42")
        #expect(server.connections == 1)

        let untilClose = try await client.execute(HTTPClientRequest(url: url + "/until-close"))
        #expect(untilClose.text == "all of it")
        #expect(client.idleHandles == 0)
        #expect(try await client.execute(HTTPClientRequest(url: url + "/chunked")).text == "hello world")
        #expect(server.connections == 2)

        let extra = try await client.execute(HTTPClientRequest(url: url + "/extra"))
        #expect(extra.text == "ok")
        #expect(client.idleHandles == 0)
        #expect(try await client.execute(HTTPClientRequest(url: url + "/chunked")).text == "hello world")
        #expect(server.connections == 3)
    }

    /// A kept connection the server closes as the next request goes out: the request goes again on
    /// a new connection, as curl sends it. A new connection closed without an answer is an error.
    @Test func aKeptConnectionClosedAsARequestGoesOutIsSentAgain() async throws {
        let server = try RawServer { connection, index in
            // Connections after the second close without answering their first request.
            guard connection.readRequest() != nil, index < 2 else { return }
            connection.send("HTTP/1.1 200 OK\r\nContent-Length: \(index == 0 ? 5 : 6)\r\n\r\n\(index == 0 ? "first" : "second")")
            // The first connection takes the next request and closes without answering it.
            _ = connection.readRequest()
        }
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let url = "http://127.0.0.1:\(server.port)/lease"
        #expect(try await client.execute(HTTPClientRequest(url: url)).text == "first")
        let again = try await client.execute(HTTPClientRequest(method: .put, url: url, body: Array("{}".utf8)))
        #expect(again.text == "second")
        #expect(server.connections == 2)

        let fresh = HTTPClient()
        defer { fresh.shutdown() }
        await #expect {
            _ = try await fresh.execute(HTTPClientRequest(url: url))
        } throws: { error in
            (error as? HTTPClientError)?.kind == .transport
                && (error as? HTTPClientError)?.message.contains("closed before the response ended") == true
        }
        #expect(server.connections == 3)
    }

    /// A request cancelled while its answer is awaited closes its connection: the answer could
    /// still arrive on it.
    @Test func cancellingARequestUnderWayClosesItsConnection() async throws {
        let closed = Gate()
        let server = try RawServer { connection, _ in
            _ = connection.readRequest()
            connection.waitForClose()
            closed.open()
        }
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let request = Task { @LoopActor in try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/hold")) }
        #expect(await eventually { server.connections == 1 && client.watchedSockets == 1 })
        request.cancel()
        await #expect {
            _ = try await request.value
        } throws: { ($0 as? HTTPClientError)?.kind == .cancelled }
        await closed.wait()
        #expect(client.activeRequests == 0 && client.idleHandles == 0 && client.watchedSockets == 0)
    }

    /// A TLS connection is kept as a plain one is: the session tickets a TLS 1.3 server sends after
    /// the handshake are read and dropped, and do not pass for the server closing. A body larger
    /// than the socket takes at once goes out in parts; an answer of many TLS records, which OpenSSL
    /// reads ahead, comes in whole.
    @Test func aTLSConnectionIsKeptBetweenRequests() async throws {
        let certs = try TLSClientTests.certificates.get()
        var router = Router()
        router.get("/peer") { request in .text(request.remoteAddress) }
        router.add(.put, "/peer", .immediate { request in .text("\(request.remoteAddress) \(request.body.count)") })
        let largeAnswer = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        router.get("/large") { _ in HTTPResponse(status: .ok, body: largeAnswer) }
        let server = try ClientTestServer(
            router: router, tls: TLSConfiguration(certificateChain: .file(certs.serverCert), privateKey: .file(certs.serverKey)))
        var configuration = HTTPClientConfiguration()
        configuration.tls.certificateAuthority = .file(certs.caCert)
        let client = HTTPClient(configuration: configuration)
        defer { client.shutdown() }
        var peers: Set<String> = []
        for _ in 0..<3 {
            peers.insert(try await client.execute(HTTPClientRequest(url: server.url("/peer"))).text)
            await Task.yield()
            #expect(client.idleHandles == 1 && client.watchedSockets == 1 && client.directConnections == 1)
        }
        let large = try await client.execute(HTTPClientRequest(method: .put, url: server.url("/peer"), body: Array(repeating: 7, count: 3 << 20)))
        #expect(large.text == "\(peers.first ?? "") \(3 << 20)")
        for _ in 0..<3 { #expect(try await client.execute(HTTPClientRequest(url: server.url("/large"))).body == largeAnswer) }
        #expect(peers.count == 1)
        await server.stop()
    }
}
