import HTTP
@testable import HTTPClient
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) @LoopActor struct ReusedHandleTests {
    /// What the server saw of one request.
    private static func recordingRouter() -> Router {
        var router = Router()
        for method in [HTTPMethod.get, .post, .put, .patch, .delete] {
            router.add(method, "/record", .immediate { request in
                let seen = [
                    request.method.rawValue, request.headers["Content-Length"] ?? "-", request.headers["Content-Type"] ?? "-",
                    request.headers["X-Once"] ?? "-", String(decoding: request.body, as: UTF8.self),
                ]
                return HTTPResponse(status: .ok, headers: ["X-Seen": seen.joined(separator: " ")], body: Array("ok".utf8))
            })
        }
        let never = Gate()
        router.get("/hang", streaming: { _, _ in await never.wait() })
        return router
    }

    /// Requests in a row go out on one handle, each setting only its own options: nothing of the
    /// request before (method, body, headers) leaks into the next.
    @Test func eachRequestOnAReusedHandleIsItsOwn() async throws {
        let server = try ClientTestServer(router: Self.recordingRouter())
        let client = HTTPClient()
        defer { client.shutdown() }
        let json: HTTPHeaders = ["Content-Type": "application/json", "X-Once": "1"]
        let steps: [(HTTPClientRequest, String)] = [
            (HTTPClientRequest(method: .put, url: server.url("/record"), headers: json, body: Array("{\"a\":1}".utf8)),
             "PUT 7 application/json 1 {\"a\":1}"),
            (HTTPClientRequest(url: server.url("/record")), "GET - - - "),
            (HTTPClientRequest(method: .post, url: server.url("/record"), body: Array("abc".utf8)), "POST 3 - - abc"),
            (HTTPClientRequest(method: .head, url: server.url("/record")), "HEAD - - - "),
            (HTTPClientRequest(method: .delete, url: server.url("/record")), "DELETE - - - "),
            (HTTPClientRequest(method: .post, url: server.url("/record")), "POST 0 - - "),
            (HTTPClientRequest(method: .patch, url: server.url("/record"), headers: json, body: Array("[]".utf8)),
             "PATCH 2 application/json 1 []"),
            (HTTPClientRequest(method: .get, url: server.url("/record")), "GET - - - "),
        ]
        for (request, seen) in steps {
            let response = try await client.execute(request)
            #expect(response.headers["X-Seen"] == seen, "\(request.method)")
            #expect(response.body == (request.method == .head ? [] : Array("ok".utf8)))
            #expect(client.idleHandles == 1)
        }

        // A failed transfer's handle is not used again; the next request gets a new one.
        await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPClientRequest(url: server.url("/hang"), timeout: .milliseconds(100)))
        }
        #expect(client.idleHandles == 0)
        let after = try await client.execute(HTTPClientRequest(url: server.url("/record")))
        #expect(after.headers["X-Seen"] == "GET - - - ")
        #expect(client.idleHandles == 1)
        await server.stop()
    }
}
