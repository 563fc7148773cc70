import HTTP
@testable import HTTPClient
import Loop
import TestSupport
import Testing

/// PUTs that leave in one loop turn are pipelined: a few connections, one write each, answers read
/// in order; other requests get a connection each. These run against a raw server, which answers
/// each request with its own target, so an answer given to the wrong request shows.
@Suite(.timeLimit(.minutes(1))) @LoopActor struct PipeliningTests {
    /// What each connection of the server saw: requests, and reads that brought them.
    final class Seen: Sendable {
        let counts = Locked<[(requests: Int, reads: Int)]>([])
        func record(_ requests: Int, _ reads: Int) { counts.withLock { $0.append((requests, reads)) } }
        var requests: Int { counts.withLock { $0.reduce(0) { $0 + $1.requests } } }
        var reads: Int { counts.withLock { $0.reduce(0) { $0 + $1.reads } } }
    }

    private nonisolated static func echo(_ head: String) -> String {
        let target = head.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        return "HTTP/1.1 200 OK\r\nContent-Length: \(target.utf8.count)\r\n\r\n\(target)"
    }

    /// Starts every request in the same loop turn and returns each one's answer or error, in order.
    private static func burst(_ client: HTTPClient, _ requests: [HTTPClientRequest]) async -> [Result<String, HTTPClientError>] {
        let tasks = requests.map { request in
            Task { @LoopActor () -> Result<String, HTTPClientError> in
                do { return .success(try await client.execute(request).text) } catch { return .failure(error as! HTTPClientError) }
            }
        }
        var results: [Result<String, HTTPClientError>] = []
        for task in tasks { results.append(await task.value) }
        return results
    }

    /// A server that answers every request with its target, and a client.
    private static func echoServerAndClient() throws -> (RawServer, HTTPClient, String) {
        let server = try RawServer { connection, _ in
            while let head = connection.readRequest() { connection.send(Self.echo(head)) }
        }
        return (server, HTTPClient(), "http://127.0.0.1:\(server.port)")
    }

    private static func puts(_ url: String, _ paths: [String]) -> [HTTPClientRequest] {
        paths.map { HTTPClientRequest(method: .put, url: url + $0, body: Array(#"{"spec":{}}"#.utf8)) }
    }

    @Test func putsLeavingTogetherShareConnectionsAndWrites() async throws {
        let seen = Seen()
        let server = try RawServer { connection, _ in
            var requests = 0
            while let head = connection.readRequest() {
                requests += 1
                connection.send(Self.echo(head))
            }
            seen.record(requests, connection.reads)
        }
        defer { server.stop() }
        let client = HTTPClient()
        let paths = (0..<40).map { "/lease/\($0)" }
        let answers = await Self.burst(client, Self.puts("http://127.0.0.1:\(server.port)", paths))
        #expect(answers.map { try? $0.get() } == paths)
        // 16 a connection: three connections, and each got its requests in one or a few reads.
        #expect(server.connections == 3)
        client.shutdown()
        #expect(await eventually { seen.requests == 40 })
        #expect(seen.reads <= 6, "\(seen.counts.withLock { $0 })")
    }

    /// Merge and strategic merge patches set the same fields if sent twice: they pipeline with PUTs.
    @Test func mergePatchesPipelineWithPuts() async throws {
        let (server, client, url) = try Self.echoServerAndClient()
        defer { server.stop(); client.shutdown() }
        let patch = { (path: String, type: String) in
            HTTPClientRequest(method: .patch, url: url + path, headers: ["Content-Type": type], body: Array("{}".utf8))
        }
        let requests = Self.puts(url, ["/a"]) + [
            patch("/b", "application/strategic-merge-patch+json"), patch("/c", "application/merge-patch+json"),
        ]
        let answers = await Self.burst(client, requests)
        #expect(answers.map { try? $0.get() } == ["/a", "/b", "/c"])
        #expect(server.connections == 1)
    }

    @Test func otherMethodsAreNotPipelined() async throws {
        let (server, client, url) = try Self.echoServerAndClient()
        defer { server.stop(); client.shutdown() }
        let requests = [HTTPClientRequest(url: url + "/a"), HTTPClientRequest(url: url + "/b"),
                        HTTPClientRequest(method: .post, url: url + "/c", body: [1]), HTTPClientRequest(method: .patch, url: url + "/d", headers: ["Content-Type": "application/json-patch+json"], body: [1])]
        let answers = await Self.burst(client, requests)
        #expect(answers.map { try? $0.get() } == ["/a", "/b", "/c", "/d"])
        #expect(server.connections == 4)
    }

    /// The server answers the first request of its first connection, says it closes, and closes: the
    /// requests behind go again, pipelined on a new connection.
    @Test func requestsBehindAClosingAnswerGoAgain() async throws {
        let server = try RawServer { connection, index in
            while let head = connection.readRequest() {
                guard index > 0 else {
                    let target = head.split(separator: " ")[1]
                    return connection.send("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: \(target.utf8.count)\r\n\r\n\(target)")
                }
                connection.send(Self.echo(head))
            }
        }
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let paths = (0..<5).map { "/lease/\($0)" }
        let answers = await Self.burst(client, Self.puts("http://127.0.0.1:\(server.port)", paths))
        #expect(answers.map { try? $0.get() } == paths)
        #expect(server.connections == 2)
    }

    /// A request that times out in the middle of a pipeline fails alone: its connection cannot be
    /// used again, and the requests behind it go again on another.
    @Test func aRequestTimingOutInAPipelineFailsAlone() async throws {
        let server = try RawServer { connection, _ in
            while let head = connection.readRequest() {
                if head.contains("/stall") { return connection.waitForClose() }
                connection.send(Self.echo(head))
            }
        }
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let url = "http://127.0.0.1:\(server.port)"
        // A kept connection first: the stalled request's time then runs from its send, not its connect.
        #expect(try await client.execute(HTTPClientRequest(url: url + "/open")).text == "/open")
        var requests = Self.puts(url, ["/a", "/stall", "/c"])
        requests[1].timeout = .milliseconds(300)
        let answers = await Self.burst(client, requests)
        #expect(try answers[0].get() == "/a")
        #expect(throws: HTTPClientError.self) { try answers[1].get() }
        if case .failure(let error) = answers[1] { #expect(error.kind == .timeout) }
        #expect(try answers[2].get() == "/c")
        #expect(server.connections == 2)
    }
}
