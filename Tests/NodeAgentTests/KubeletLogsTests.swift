import HTTP
import HTTPClient
import Kube
import Loop
import NodeAgent
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) @LoopActor struct KubeletLogsTests {
    static let lines = (1...5).map { "web app line \($0)\n" }

    @Test func theMockLogWithEachOption() async throws {
        let fixture = try KubeletFixture()
        try await fixture.run("web")
        let path = "/containerLogs/team/web/app"

        let all = try await fixture.get(path)
        #expect(all.status == .ok && all.contentType == "text/plain" && all.text == Self.lines.joined())
        #expect(try await fixture.get(path + "?tailLines=2").text == Self.lines.suffix(2).joined())
        #expect(try await fixture.get(path + "?tailLines=0").text == "")
        #expect(try await fixture.get(path + "?limitBytes=7").text == "web app")
        let stamp = TestClock.start.rfc3339 + " "
        #expect(try await fixture.get(path + "?timestamps=true&tailLines=1").text == stamp + Self.lines[4])
        #expect(try await fixture.get(path + "?sinceSeconds=60").text == Self.lines.joined())
        // Two minutes on, everything was written more than a minute ago.
        fixture.clock.advance(.seconds(120))
        #expect(try await fixture.get(path + "?sinceSeconds=60").text == "")
        #expect(try await fixture.get(path + "?sinceSeconds=121").text == Self.lines.joined())
        let before = (TestClock.start - .seconds(1)).rfc3339
        let after = (TestClock.start + .seconds(60)).rfc3339
        #expect(try await fixture.get(path + "?sinceTime=" + PercentEncoding.encode(before)).text == Self.lines.joined())
        #expect(try await fixture.get(path + "?sinceTime=" + PercentEncoding.encode(after)).text == "")

        // The mock has no previous container: the provider's `.invalid` is a 400.
        let previous = try await fixture.get(path + "?previous=true")
        #expect(previous.status == .badRequest && previous.text.contains("previous terminated container"))
        await fixture.stop()
    }

    @Test func everyOptionReachesTheProvider() async throws {
        let provider = ScriptedLogsProvider()
        let fixture = try KubeletFixture(provider: provider)
        try await fixture.run("web")
        provider.failure = .notFound("not reached")  // answers at once; the options are recorded first
        let since = TestClock.start - .seconds(90)
        let query = "tailLines=3&timestamps=1&limitBytes=100&previous=true&sinceTime=" + PercentEncoding.encode(since.rfc3339)
        _ = try await fixture.get("/containerLogs/team/web/app?" + query)
        _ = try await fixture.get("/containerLogs/team/web/app?sinceSeconds=5&follow=false&timestamps=false")
        #expect(provider.requests == [
            LogOptions(tailLines: 3, timestamps: true, sinceSeconds: 90, limitBytes: 100, previous: true),
            LogOptions(sinceSeconds: 5),
        ])
        await fixture.stop()
    }

    @Test func badOptionsUnknownPodsAndProviderErrors() async throws {
        let provider = ScriptedLogsProvider()
        let fixture = try KubeletFixture(provider: provider)
        try await fixture.run("web")
        for query in [
            "tailLines=-1", "tailLines=ten", "limitBytes=0", "sinceSeconds=0", "sinceSeconds=1.5", "follow=yes",
            "timestamps=maybe", "sinceTime=yesterday", "sinceSeconds=10&sinceTime=2027-01-01T00:00:00Z",
        ] {
            let answer = try await fixture.get("/containerLogs/team/web/app?" + query)
            #expect(answer.status == .badRequest, "\(query)")
            #expect(answer.contentType.hasPrefix("text/plain") && !answer.text.isEmpty, "\(query)")
        }
        #expect(provider.requests.isEmpty)

        let unknown = try await fixture.get("/containerLogs/team/nope/app")
        #expect(unknown.status == .notFound && unknown.text.contains("team/nope"))
        #expect(provider.requests.isEmpty)

        for (failure, status) in [
            (ProviderError.notFound("container x is not valid for pod web"), HTTPStatus.notFound),
            (.invalid("bad request"), .badRequest), (.failed("runtime is down"), .internalServerError),
        ] {
            provider.failure = failure
            let answer = try await fixture.get("/containerLogs/team/web/x")
            #expect(answer.status == status && answer.text == failure.description + "\n")
        }
        await fixture.stop()

        let bare = try KubeletFixture(provider: BareProvider())
        try await bare.run("web")
        let unsupported = try await bare.get("/containerLogs/team/web/app")
        #expect(unsupported.status == .notImplemented && unsupported.text == "mock provider does not support container logs\n")
        await bare.stop()
    }

    @Test func followStreamsUntilTheClientGoesAway() async throws {
        let provider = ScriptedLogsProvider()
        let fixture = try KubeletFixture(provider: provider)
        try await fixture.run("web")

        let stream = try await fixture.admin.stream(HTTPClientRequest(url: fixture.url + "/containerLogs/team/web/app?follow=true"))
        #expect(stream.status == .ok && stream.headers["Content-Type"] == "text/plain")
        var lines = stream.lines.makeAsyncIterator()
        provider.write("one\n")
        #expect(try await lines.next().map { String(decoding: $0, as: UTF8.self) } == "one")
        provider.write("two\n")
        #expect(try await lines.next().map { String(decoding: $0, as: UTF8.self) } == "two")
        #expect(provider.cancelled.withLock { $0 } == nil)  // still reading

        // The client hangs up while the provider is silent: the server stops reading the provider.
        await stream.cancel()
        await provider.terminated.wait()
        #expect(provider.cancelled.withLock { $0 } == true)
        #expect(provider.requests.last?.follow == true)
        await fixture.stop()
    }

    @Test func followEndsWhenTheProviderStreamEnds() async throws {
        let provider = ScriptedLogsProvider()
        let fixture = try KubeletFixture(provider: provider)
        try await fixture.run("web")
        let stream = try await fixture.admin.stream(HTTPClientRequest(url: fixture.url + "/containerLogs/team/web/app?follow"))
        var lines = stream.lines.makeAsyncIterator()
        provider.write("last words\n")
        #expect(try await lines.next().map { String(decoding: $0, as: UTF8.self) } == "last words")
        provider.continuation?.finish()
        #expect(try await lines.next() == nil)
        #expect(provider.cancelled.withLock { $0 } == false)
        await fixture.stop()
    }

    @Test func stoppingTheServerEndsOpenFollowStreams() async throws {
        let provider = ScriptedLogsProvider()
        let fixture = try KubeletFixture(provider: provider)
        try await fixture.run("web")
        let stream = try await fixture.admin.stream(HTTPClientRequest(url: fixture.url + "/containerLogs/team/web/app?follow=true"))
        var lines = stream.lines.makeAsyncIterator()
        provider.write("before the stop\n")
        #expect(try await lines.next().map { String(decoding: $0, as: UTF8.self) } == "before the stop")
        // The stream is ended, not cut off by the server's grace-period timer: the body is complete.
        await fixture.server.stop()
        #expect(provider.cancelled.withLock { $0 } == true)
        #expect(try await lines.next() == nil)
        await fixture.stop()
    }

    @Test func limitBytesIsEnforcedAndEndsTheProviderStream() async throws {
        let provider = ScriptedLogsProvider()
        let fixture = try KubeletFixture(provider: provider)
        try await fixture.run("web")
        let stream = try await fixture.admin.stream(HTTPClientRequest(url: fixture.url + "/containerLogs/team/web/app?limitBytes=5"))
        provider.write("hello ")
        provider.write("world\n")
        #expect(String(decoding: try await stream.collect(), as: UTF8.self) == "hello")
        await provider.terminated.wait()
        #expect(provider.cancelled.withLock { $0 } == true)
        await fixture.stop()
    }

    @Test func theMockFollowStreamStaysOpen() async throws {
        let fixture = try KubeletFixture()
        try await fixture.run("web")
        let stream = try await fixture.admin.stream(HTTPClientRequest(url: fixture.url + "/containerLogs/team/web/app?follow=true&tailLines=2"))
        var lines = stream.lines.makeAsyncIterator()
        #expect(try await lines.next().map { String(decoding: $0, as: UTF8.self) } == "web app line 4")
        #expect(try await lines.next().map { String(decoding: $0, as: UTF8.self) } == "web app line 5")
        await stream.cancel()
        await fixture.stop()
    }
}
