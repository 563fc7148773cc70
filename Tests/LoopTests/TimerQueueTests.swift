import Loop
import Testing
import TestSupport

@LoopActor
private final class Order {
    var fired: [String] = []
}

/// The real clock's callbacks share one uv timer: they must still fire in deadline order, in
/// scheduling order for equal deadlines, and never once cancelled.
@Suite(.timeLimit(.minutes(1))) @LoopActor struct TimerQueueTests {
    @Test func callbacksFireInDeadlineThenSchedulingOrderUnlessCancelled() async {
        let clock = UVClock.shared
        let order = Order()
        clock.schedule(after: .milliseconds(40)) { order.fired.append("c") }
        clock.schedule(after: .milliseconds(20)) { order.fired.append("a") }
        let cancelled = clock.schedule(after: .milliseconds(30)) { order.fired.append("x") }
        clock.schedule(after: .milliseconds(20)) { order.fired.append("b") }
        clock.schedule(after: .zero) {
            order.fired.append("now")
            cancelled.cancel()
        }
        #expect(await eventually { order.fired.count == 4 })
        #expect(order.fired == ["now", "a", "b", "c"])
    }

    @Test func manyCancelledTimersAreSweptAndTheRestStillFire() async {
        let clock = UVClock.shared
        let order = Order()
        let far = (0..<300).map { _ in clock.schedule(after: .seconds(3600)) { order.fired.append("far") } }
        for timer in far { timer.cancel() }
        let start = clock.now
        clock.schedule(after: .milliseconds(5)) { order.fired.append("near") }
        #expect(await eventually { order.fired == ["near"] })
        #expect(clock.now.duration(since: start) >= .milliseconds(5))
        #expect(order.fired == ["near"])
    }
}
