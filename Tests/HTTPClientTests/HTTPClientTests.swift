import HTTP
import HTTPClient
import HTTPServer
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) @LoopActor struct HTTPClientTests {
    static func echoRouter() -> Router {
        var router = Router()
        for method in [HTTPMethod.get, .post, .put, .patch, .delete] {
            router.add(method, "/echo", .immediate { request in
                var headers: HTTPHeaders = ["X-Method": request.method.rawValue, "X-Peer": request.remoteAddress]
                if let auth = request.headers["Authorization"] { headers.add("X-Authorization", auth) }
                if let type = request.headers["Content-Type"] { headers.add("X-Content-Type", type) }
                return HTTPResponse(status: .ok, headers: headers, body: request.body)
            })
        }
        router.get("/missing-thing") { _ in .text("no such thing", status: .notFound) }
        return router
    }

    /// kubeconfig `proxy-url`: every request goes to the proxy in absolute form, loopback ones included.
    @Test func anExplicitProxyCarriesEveryRequest() async throws {
        var router = Router()
        router.get("/{rest...}") { request in
            .text("proxied \(request.target) for \(request.headers["Host"] ?? "")")
        }
        let proxy = try ClientTestServer(router: router)
        var configuration = HTTPClientConfiguration()
        configuration.proxy = .url(proxy.url(""))
        let client = HTTPClient(configuration: configuration)
        defer { client.shutdown() }
        for url in ["http://upstream.invalid:8080/a?b=c", "http://127.0.0.1:9/loop"] {
            let response = try await client.execute(HTTPClientRequest(url: url))
            let host = url.dropFirst("http://".count).prefix { $0 != "/" }
            #expect(response.status == .ok)
            #expect(response.text == "proxied \(url) for \(host)")
        }
        await proxy.stop()
    }

    @Test func executesEveryMethodWithBodies() async throws {
        let server = try ClientTestServer(router: Self.echoRouter())
        let client = HTTPClient()
        defer { client.shutdown() }
        for method in [HTTPMethod.get, .post, .put, .patch, .delete] {
            let body: [UInt8]? = method == .get ? nil : Array("{\"verb\":\"\(method)\"}".utf8)
            var headers = HTTPHeaders()
            if body != nil { headers.add("Content-Type", "application/json") }
            let response = try await client.execute(
                HTTPClientRequest(method: method, url: server.url("/echo"), headers: headers, body: body))
            #expect(response.status == .ok)
            #expect(response.headers["X-Method"] == method.rawValue)
            #expect(response.body == (body ?? []))
            #expect(response.headers["X-Content-Type"] == (body == nil ? nil : "application/json"))
        }
        await server.stop()
    }

    @Test func largeBodiesTravelBothWays() async throws {
        let server = try ClientTestServer(router: Self.echoRouter())
        let client = HTTPClient()
        defer { client.shutdown() }
        let body = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let response = try await client.execute(HTTPClientRequest(method: .put, url: server.url("/echo"), body: body))
        #expect(response.body == body)
        await server.stop()
    }

    /// Requests beyond the connection limit wait in the client, in order; one cancelled while it
    /// waits never reaches the server, and shutting down fails those still waiting.
    @Test func requestsBeyondTheConnectionLimitWaitTheirTurn() async throws {
        final class Held: @unchecked Sendable {
            // @unchecked: touched only on the loop (the route and the test are @LoopActor).
            var arrived: [String] = []
            var waiters: [CheckedContinuation<Void, Never>] = []
            var open = false
            func release() {
                for waiter in waiters { waiter.resume() }
                waiters = []
            }
        }
        let held = Held()
        var router = Router()
        router.get("/held/{n}", streaming: { request, writer in
            held.arrived.append(String(request.target.split(separator: "/").last ?? ""))
            if !held.open { await withCheckedContinuation { held.waiters.append($0) } }
            try? await writer.respond(.text("done"))
        })
        let server = try ClientTestServer(router: router)
        var configuration = HTTPClientConfiguration()
        configuration.maxConnectionsPerHost = 2
        let client = HTTPClient(configuration: configuration)
        var tasks: [Task<String, Error>] = []
        for n in 0..<6 {
            tasks.append(Task { @LoopActor in try await client.execute(HTTPClientRequest(url: server.url("/held/\(n)"))).text })
            #expect(await eventually { client.activeRequests == n + 1 })
        }
        #expect(await eventually { held.arrived == ["0", "1"] })
        tasks[3].cancel()
        await #expect(throws: HTTPClientError.self) { try await tasks[3].value }
        held.open = true
        held.release()
        for n in [0, 1, 2, 4, 5] { #expect(try await tasks[n].value == "done") }
        #expect(held.arrived == ["0", "1", "2", "4", "5"])

        // Two held again, two waiting behind them: shutting down fails all four.
        held.open = false
        let more = (6..<10).map { n in Task { @LoopActor in try await client.execute(HTTPClientRequest(url: server.url("/held/\(n)"))) } }
        #expect(await eventually { held.arrived.count == 7 && client.activeRequests == 4 })
        client.shutdown()
        for task in more { await #expect(throws: HTTPClientError.self) { try await task.value } }
        held.release()
        await server.stop()
    }

    @Test func reusesConnections() async throws {
        let server = try ClientTestServer(router: Self.echoRouter())
        let client = HTTPClient()
        defer { client.shutdown() }
        var peers: Set<String> = []
        for _ in 0..<5 {
            let response = try await client.execute(HTTPClientRequest(url: server.url("/echo")))
            peers.insert(response.headers["X-Peer"] ?? "?")
        }
        #expect(peers.count == 1)
        await server.stop()
    }

    @Test func manyConcurrentRequests() async throws {
        let server = try ClientTestServer(router: Self.echoRouter())
        let client = HTTPClient()
        defer { client.shutdown() }
        let url = server.url("/echo")
        let requests = (0..<200).map { index in
            Task { @LoopActor in
                let response = try await client.execute(
                    HTTPClientRequest(method: .post, url: url, body: Array("\(index)".utf8)))
                return Int(response.text) == index ? response.status.code : -1
            }
        }
        var statuses: [Int] = []
        for request in requests { statuses.append(try await request.value) }
        #expect(statuses == Array(repeating: 200, count: 200))
        await server.stop()
    }

    @Test func bearerTokenIsSentUnlessTheRequestHasAuthorization() async throws {
        let server = try ClientTestServer(router: Self.echoRouter())
        var configuration = HTTPClientConfiguration()
        configuration.bearerToken = "s3cret"
        let client = HTTPClient(configuration: configuration)
        defer { client.shutdown() }
        let withToken = try await client.execute(HTTPClientRequest(url: server.url("/echo")))
        #expect(withToken.headers["X-Authorization"] == "Bearer s3cret")
        let own = try await client.execute(
            HTTPClientRequest(url: server.url("/echo"), headers: ["Authorization": "Basic YTpi"]))
        #expect(own.headers["X-Authorization"] == "Basic YTpi")
        await server.stop()
    }

    @Test func statusErrorsSayWhatFailed() async throws {
        let server = try ClientTestServer(router: Self.echoRouter())
        let client = HTTPClient()
        defer { client.shutdown() }
        let request = HTTPClientRequest(url: server.url("/missing-thing"))
        let response = try await client.execute(request)
        #expect(response.status == .notFound)
        let error = #expect(throws: HTTPClientError.self) { try response.requireSuccess(request) }
        #expect(error?.kind == .status)
        #expect(error?.status == .notFound)
        #expect(error?.message.contains("404 Not Found: no such thing") == true)
        await server.stop()
    }

    @Test func connectionRefusedDNSAndTimeoutAreDistinguished() async throws {
        // Not through a proxy the environment may name: that would answer for the unresolvable host.
        var configuration = HTTPClientConfiguration()
        configuration.proxy = .none
        let client = HTTPClient(configuration: configuration)
        defer { client.shutdown() }
        // A port that was just free: bind a server, stop it, then connect to its port.
        let probe = try ClientTestServer(router: Router())
        let closedPort = probe.server.port
        await probe.stop()
        let refused = await failure(client, HTTPClientRequest(url: "http://127.0.0.1:\(closedPort)/"))
        #expect(refused?.kind == .connect)
        #expect(refused?.message.contains("connect failed: Failed to connect to 127.0.0.1 port \(closedPort)") == true)

        // A DNS label longer than 63 bytes fails in the resolver itself, with no query sent: the test does
        // not depend on how fast (or whether) this machine's DNS server answers.
        let unresolvable = String(repeating: "x", count: 64) + ".invalid"
        let unknownHost = await failure(client, HTTPClientRequest(url: "http://\(unresolvable)/"))
        #expect(unknownHost?.kind == .dns)

        var router = Router()
        let never = Gate()
        router.get("/hang", streaming: { _, _ in await never.wait() })
        let server = try ClientTestServer(router: router)
        let timedOut = await failure(client, HTTPClientRequest(url: server.url("/hang"), timeout: .milliseconds(200)))
        #expect(timedOut?.kind == .timeout)
        never.open()
        await server.stop()

        let malformed = await failure(client, HTTPClientRequest(url: "gopher-nonsense://x"))
        #expect(malformed?.kind == .invalidRequest)
    }

    private func failure(_ client: HTTPClient, _ request: HTTPClientRequest) async -> HTTPClientError? {
        do {
            _ = try await client.execute(request)
            Issue.record("\(request.url) should have failed")
        } catch {
            return error
        }
        return nil
    }
}
