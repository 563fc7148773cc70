import Foundation
import HTTP
import HTTPServer
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct RoutingTests {
    @LoopActor
    static func router() -> Router {
        var router = Router()
        router.get("/pods/{namespace}/{name}") { request in
            let parameters = request.pathParameters
            let text = "ns=\(parameters["namespace"] ?? "?") name=\(parameters["name"] ?? "?") "
                + "follow=\(request.query["follow"] ?? "-") tail=\(request.query["tailLines"] ?? "-") "
                + "local=\(request.remoteAddress.hasPrefix("127.0.0.1:"))"
            return .text(text)
        }
        router.post("/pods/{namespace}/{name}") { _ in .text("posted") }
        return router
    }

    @Test @LoopActor func pathParametersAndQueryReachTheHandler() async throws {
        let server = try startServer(Self.router())
        let response = try await exchange(
            port: server.port,
            "GET /pods/kube-system/dns%2D1?follow=true&tailLines=10 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let (head, body) = split(response.text)
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(head.contains("Content-Length: \(body.utf8.count)"))
        #expect(head.contains("Connection: close"))
        #expect(body == "ns=kube-system name=dns-1 follow=true tail=10 local=true")
        #expect(response.closed)
        await server.stop()
        #expect(server.connectionCount == 0)
    }

    @Test @LoopActor func unknownPathIs404AndWrongMethodIs405WithAllow() async throws {
        let server = try startServer(Self.router())
        let missing = try await exchange(port: server.port, "GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(missing.text.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        #expect(missing.text.contains("Content-Type: text/plain"))
        #expect(split(missing.text).body.contains("not found"))

        let wrong = try await exchange(port: server.port, "DELETE /pods/a/b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(wrong.text.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
        let allow = split(wrong.text).head.split(separator: "\r\n").first { $0.hasPrefix("Allow: ") }
        #expect(allow.map { Set($0.dropFirst(7).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) } == ["GET", "POST"])
        await server.stop()
    }

    @Test @LoopActor func headGetsTheHeadersWithoutABody() async throws {
        let server = try startServer(Self.router())
        let response = try await exchange(port: server.port, "HEAD /pods/a/b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let (head, body) = split(response.text)
        #expect(head.hasPrefix("HTTP/1.1 200 OK"))
        #expect(head.contains("Content-Length: "))
        #expect(!head.contains("Content-Length: 0"))
        #expect(body.isEmpty)
        await server.stop()
    }

    @Test @LoopActor func curlGetsAResponse() async throws {
        let server = try startServer(Self.router())
        let port = server.port
        let result = try await curl(["http://127.0.0.1:\(port)/pods/default/web?follow=false"])
        #expect(result.exitCode == 0, "\(result.errors)")
        #expect(result.output == "ns=default name=web follow=false tail=- local=true")
        await server.stop()
    }
}
