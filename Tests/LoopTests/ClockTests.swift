import Loop
import Testing
import TestSupport

@LoopActor
private final class Log {
    var entries: [String] = []
    func add(_ entry: String) { entries.append(entry) }
}

/// A deterministic stand-in for `Double.random(in: 0..<1)`.
private final class Sequence: Sendable {
    private let values: [Double]
    private let index = Locked(0)
    init(_ values: [Double]) { self.values = values }
    func next() -> Double { index.withLock { i in defer { i += 1 }; return values[i % values.count] } }
}

@Suite(.timeLimit(.minutes(1))) @LoopActor struct ClockTests {
    @Test func manualClockFiresInDeadlineOrderAndSkipsCancelled() {
        let clock = ManualClock()
        let log = Log()
        clock.schedule(after: .seconds(3)) { log.add("c") }
        clock.schedule(after: .seconds(1)) { log.add("a") }
        let cancelled = clock.schedule(after: .seconds(2)) { log.add("x") }
        clock.schedule(after: .seconds(2)) { log.add("b") }
        cancelled.cancel()
        clock.advance(by: .milliseconds(1999))
        #expect(log.entries == ["a"])
        clock.advance(by: .seconds(5))
        #expect(log.entries == ["a", "b", "c"])
        #expect(clock.pendingCount == 0)
    }

    @Test func callbacksScheduledWhileAdvancingFireInTheSameAdvance() {
        let clock = ManualClock()
        let start = clock.now
        var times: [Duration] = []
        func chain(_ remaining: Int) {
            clock.schedule(after: .seconds(1)) {
                times.append(clock.now.duration(since: start))
                if remaining > 1 { chain(remaining - 1) }
            }
        }
        chain(3)
        clock.advance(by: .seconds(10))
        #expect(times == [.seconds(1), .seconds(2), .seconds(3)])
    }

    @Test func repeatingTimerAppliesJitterPerPeriod() {
        let clock = ManualClock()
        let start = clock.now
        let random = Sequence([0.0, 0.5, 1.0 - 1e-9, 0.25])
        var fired: [Duration] = []
        let timer = RepeatingTimer(
            clock: clock, interval: .seconds(10), jitter: Jitter(factor: 0.2, random: random.next)
        ) { fired.append(clock.now.duration(since: start)) }
        timer.start()
        clock.advance(by: .seconds(45))
        // Periods: 10×(1+0.2×r) for r = 0, 0.5, ~1, 0.25 → 10, 11, ~12, 10.5.
        #expect(fired.count == 4)
        #expect(fired[0] == .seconds(10))
        #expect(fired[1] == .seconds(21))
        #expect(abs((fired[2] - .seconds(33)).seconds) < 1e-6)
        #expect(abs((fired[3] - .seconds(43.5)).seconds) < 1e-6)
        timer.stop()
        clock.advance(by: .seconds(100))
        #expect(fired.count == 4)
        #expect(!timer.isRunning)
    }

    @Test func delaysOnAGridEndOnItsMultiples() {
        let clock = ManualClock(start: LoopInstant(nanoseconds: 1_030_000_000))
        let grid = Duration.milliseconds(100)
        // 1.030 s + 250 ms = 1.280 s → 1.300 s.
        #expect(clock.delay(.milliseconds(250), onGrid: grid) == .milliseconds(270))
        // Already on the grid: unchanged.
        #expect(clock.delay(.milliseconds(70), onGrid: grid) == .milliseconds(70))
        #expect(clock.delay(.milliseconds(250), onGrid: .zero) == .milliseconds(250))
    }

    @Test func repeatingTimerOnAGridFiresOnItsMultiples() {
        let clock = ManualClock(start: LoopInstant(nanoseconds: 1_000_000_000))
        let random = Sequence([0.13, 0.61, 0.42])
        var fired: [UInt64] = []
        let timer = RepeatingTimer(
            clock: clock, interval: .seconds(1), jitter: Jitter(factor: 0.5, random: random.next), grid: .milliseconds(100)
        ) { fired.append(clock.now.nanoseconds) }
        timer.start(initialDelay: .milliseconds(333))
        clock.advance(by: .seconds(5))
        // Until 6 s: 1.333 → 1.4; +1.065 = 2.465 → 2.5; +1.305 = 3.805 → 3.9; +1.21 = 5.11 → 5.2.
        #expect(fired == [1_400_000_000, 2_500_000_000, 3_900_000_000, 5_200_000_000])
        timer.stop()
    }

    @Test func repeatingTimerCanStopItselfAndFireNow() {
        let clock = ManualClock()
        var count = 0
        var timer: RepeatingTimer?
        timer = RepeatingTimer(clock: clock, interval: .seconds(1)) {
            count += 1
            if count == 3 { timer?.stop() }
        }
        timer?.start(initialDelay: .zero)
        clock.advance(by: .seconds(10))
        #expect(count == 3)
        timer?.fireNow()
        #expect(count == 4)
        #expect(timer?.isRunning == true)
        timer?.stop()
    }

    @Test func sleepResumesWhenTheClockAdvances() async throws {
        let clock = ManualClock()
        let log = Log()
        let sleeper = Task { @LoopActor in
            try await clock.sleep(for: .seconds(5))
            log.add("woke")
        }
        #expect(await eventually { clock.pendingCount > 0 })
        clock.advance(by: .seconds(4))
        await Task.yield()
        #expect(log.entries.isEmpty)
        clock.advance(by: .seconds(1))
        try await sleeper.value
        #expect(log.entries == ["woke"])
    }

    @Test func cancellingASleepThrowsAndReleasesTheTimer() async {
        let clock = ManualClock()
        let sleeper = Task { @LoopActor in try await clock.sleep(for: .seconds(60)) }
        #expect(await eventually { clock.pendingCount > 0 })
        sleeper.cancel()
        let result = await sleeper.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(clock.pendingCount == 0)
    }

    /// The real clock keeps its callbacks in buckets under one uv timer: they fire in deadline order,
    /// those due together in the order they were scheduled, and a cancelled one never fires, even when
    /// an earlier callback of its own bucket cancels it.
    @Test func uvClockFiresInDeadlineOrderAndSkipsCancelled() async {
        let clock = UVClock()
        let log = Log()
        clock.schedule(after: .milliseconds(30)) { log.add("c") }
        clock.schedule(after: .zero) { log.add("a") }
        let cancelled = clock.schedule(after: .milliseconds(10)) { log.add("x") }
        var later: (any TimerHandle)?
        clock.schedule(after: .milliseconds(10)) {
            log.add("b1")
            later?.cancel()
        }
        later = clock.schedule(after: .milliseconds(10)) { log.add("y") }
        clock.schedule(after: .milliseconds(10)) {
            log.add("b2")
            clock.schedule(after: .zero) { log.add("b3") }
        }
        cancelled.cancel()
        #expect(clock.pendingCount == 5)
        #expect(await eventually { log.entries.count == 5 })
        // b3, scheduled by b2 for now, comes after b2; before or after c depending on how late the
        // loop ran the 10 ms bucket, as with uv timers.
        #expect(log.entries.prefix(3) == ["a", "b1", "b2"])
        #expect(log.entries.sorted() == ["a", "b1", "b2", "b3", "c"])
        #expect(clock.pendingCount == 0)

        // Idle, then busy again.
        let all = clock.schedule(after: .seconds(60)) { log.add("never") }
        all.cancel()
        #expect(clock.pendingCount == 0)
        clock.schedule(after: .milliseconds(1)) { log.add("again") }
        #expect(await eventually { log.entries.last == "again" })
    }

    @Test func jitterNeverShortensTheInterval() {
        let jitter = Jitter(factor: 0.5)
        for _ in 0..<1000 {
            let period = jitter.apply(to: .seconds(4))
            #expect(period >= .seconds(4) && period < .seconds(6))
        }
        #expect(Jitter.none.apply(to: .seconds(4)) == .seconds(4))
    }
}
