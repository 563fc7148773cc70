import CLibUV
import Glibc
import Loop
import Testing

@LoopActor
private final class Counter {
    var value = 0
    var offLoop = 0
    func bump() {
        if !EventLoop.shared.inLoop { offLoop += 1 }
        value += 1
    }
}

private func runsOnLoop() async -> Bool { EventLoop.shared.inLoop }

@Suite(.timeLimit(.minutes(1))) struct ExecutorTests {
    @Test func hopsFromTheGlobalPoolUnderLoad() async {
        let counter = Counter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    for _ in 0..<100 { await counter.bump() }
                }
            }
        }
        #expect(await counter.value == 20_000)
        #expect(await counter.offLoop == 0)
    }

    @Test func loopActorCodeRunsOnTheLoopThread() async {
        let onLoop = await Task { @LoopActor in EventLoop.shared.inLoop }.value
        #expect(onLoop)
        #expect(!EventLoop.shared.inLoop)
    }

    @Test func taskExecutorKeepsNonisolatedCodeOnTheLoop() async {
        let onLoop = await Task(executorPreference: EventLoop.shared.taskExecutor) {
            await runsOnLoop()
        }.value
        #expect(onLoop)
    }

    @Test func assumeIsolatedWorksInsideLibuvCallbacks() async throws {
        // UVClock's timer callback re-enters @LoopActor through assumeIsolated.
        let fired = await withCheckedContinuation { continuation in
            Task { @LoopActor in
                _ = UVClock.shared.schedule(after: .milliseconds(1)) {
                    continuation.resume(returning: EventLoop.shared.inLoop)
                }
            }
        }
        #expect(fired)
    }

    @Test func executeRunsClosuresInOrderAcrossBatches() async {
        let loop = EventLoop(name: "order-test")
        let seen = Locked<[Int]>([])
        let count = EventLoop.batchSize * 3 + 7
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            for index in 0..<count {
                loop.execute {
                    seen.withLock { $0.append(index) }
                    if index == count - 1 { done.resume() }
                }
            }
        }
        #expect(seen.withLock { $0 } == Array(0..<count))
        let report = loop.shutdown()
        #expect(report.leakedHandles == 0)
        #expect(report.loopClosed)
    }

    @Test func jobsQueuedOnTheLoopRunInTheirTurnAndTurnEndHooksAfterThem() async {
        let loop = EventLoop(name: "turn-test")
        let order = Locked<[String]>([])
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            loop.execute {
                loop.atTurnEnd {
                    order.withLock { $0.append("end") }
                    done.resume()
                }
                loop.execute {
                    order.withLock { $0.append("first") }
                    loop.execute { order.withLock { $0.append("second") } }
                }
            }
        }
        // The hook waited for the job queued before it and for the job that job queued in turn.
        #expect(order.withLock { $0 } == ["first", "second", "end"])
        #expect(loop.crossThreadJobs == 1)
        let report = loop.shutdown()
        #expect(report.leakedHandles == 0)
        #expect(report.loopClosed)
    }

    @Test func shutdownClosesLeftoverHandlesAndTheLoop() async {
        let loop = EventLoop(name: "shutdown-test")
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            loop.execute {
                // A repeating timer nobody stops: shutdown must close and free it.
                let timer = LoopHandles.allocate(uv_timer_t.self)
                uv_timer_init(loop.uv, timer)
                uv_timer_start(timer, { _ in }, 1000, 1000)
                done.resume()
            }
        }
        let report = loop.shutdown()
        #expect(report.leakedHandles == 1)
        #expect(report.loopClosed)
    }
}
