import Kube
import Loop
import Testing
import TestSupport

@LoopActor
final class Leadership {
    var log: [String] = []
}

@Suite(.timeLimit(.minutes(1))) @LoopActor struct LeaderElectionTests {
    func elector(_ identity: String, _ client: KubeClient, _ clock: ManualClock, _ leadership: Leadership) -> LeaderElector {
        var configuration = LeaderElector.Configuration(leaseName: "valet", namespace: "kube-node-lease", identity: identity)
        configuration.leaseDuration = .seconds(15)
        configuration.renewDeadline = .seconds(10)
        configuration.retryPeriod = .seconds(2)
        return LeaderElector(
            client: client, configuration: configuration,
            callbacks: .init(
                onStartedLeading: { leadership.log.append("\(identity) leads") },
                onStoppedLeading: { leadership.log.append("\(identity) stops") }),
            clock: clock)
    }

    /// Advances the clock a second at a time, with real time in between for the electors' HTTP round
    /// trips, until `done` holds or `seconds` have passed; returns whether `done` held.
    @discardableResult
    func step(_ clock: ManualClock, _ seconds: Int, until done: @LoopActor () -> Bool = { false }) async -> Bool {
        for _ in 0..<seconds {
            if done() { return true }
            try? await Task.sleep(for: .milliseconds(100))
            clock.advance(by: .seconds(1))
        }
        return done()
    }

    /// A fake API server and two candidates sharing a clock, "a" already leading when "b" starts.
    func twoCandidatesWithALeader() async throws
        -> (FakeAPIServer, ManualClock, KubeClient, Leadership, LeaderElector, LeaderElector)
    {
        let server = try FakeAPIServer()
        let clock = ManualClock()
        let client = makeClient(server, clock: clock)
        let leadership = Leadership()
        let a = elector("a", client, clock, leadership)
        a.start()
        #expect(await eventually { a.isLeader })
        let b = elector("b", client, clock, leadership)
        b.start()
        return (server, clock, client, leadership, a, b)
    }

    @Test func oneLeaderAtATimeAndAHandOverOnRelease() async throws {
        let (server, clock, client, leadership, a, b) = try await twoCandidatesWithALeader()
        await step(clock, 6)
        #expect(a.isLeader && !b.isLeader)
        #expect(b.observedHolder == "a")
        await a.stop()
        #expect(server.object(leases, "valet")?["spec"]?["holderIdentity"] == nil)
        #expect(await step(clock, 20) { b.isLeader })
        #expect(leadership.log == ["a leads", "a stops", "b leads"])
        #expect(server.object(leases, "valet")?["spec"]?["leaseTransitions"]?.int64Value == 0)
        await b.stop()
        client.shutdown()
        await server.stop()
    }

    @Test func aSilentLeaderIsReplacedAfterTheLeaseExpires() async throws {
        let (server, clock, client, leadership, a, b) = try await twoCandidatesWithALeader()
        await step(clock, 4)
        // a's renewals start failing: it must step down within renewDeadline, and b take over once
        // the lease has gone unrenewed for leaseDuration on b's clock.
        server.fail(.put, leases, status: 500, times: 1000)
        #expect(await step(clock, 40) { !a.isLeader })
        #expect(leadership.log.contains("a stops"))
        server.clearFailures()
        #expect(await step(clock, 40) { b.isLeader || a.isLeader })
        #expect(a.isLeader != b.isLeader)
        await a.stop()
        await b.stop()
        client.shutdown()
        await server.stop()
    }
}

@Suite @LoopActor struct RateLimiterTests {
    @Test func burstThenSpacedAtQPS() async throws {
        let clock = ManualClock()
        let limiter = RateLimiter(qps: 10, burst: 3, clock: clock)
        for _ in 0..<3 { try await limiter.acquire() }
        #expect(clock.pendingCount == 0)
        let fourth = Task { @LoopActor in try await limiter.acquire() }
        #expect(await eventually { clock.pendingCount > 0 })
        #expect(clock.nextDeadline == clock.now + .milliseconds(100))
        clock.advance(by: .milliseconds(100))
        try await fourth.value
        // A quiet second refills the bucket to its burst, no more.
        clock.advance(by: .seconds(1))
        for _ in 0..<3 { try await limiter.acquire() }
        #expect(clock.pendingCount == 0)
    }

    @Test func zeroQPSIsUnlimited() async throws {
        let clock = ManualClock()
        let limiter = RateLimiter(qps: 0, burst: 1, clock: clock)
        for _ in 0..<1000 { try await limiter.acquire() }
        #expect(clock.pendingCount == 0)
    }

    @Test func backoffGrowsToItsCap() {
        var backoff = Backoff(initial: .milliseconds(200), cap: .seconds(7), jitter: .none)
        let delays = (0..<8).map { _ in backoff.next() }
        #expect(delays == [.milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600), .milliseconds(3200), .milliseconds(6400), .seconds(7), .seconds(7)])
        backoff.reset()
        #expect(backoff.next() == .milliseconds(200))
    }
}
