/// A continuation that resumes on the loop. A plain `withCheckedThrowingContinuation` awaited on
/// `@LoopActor` resumes on the global pool and only then hops back to the loop: two thread switches
/// per await. That was one cross-thread job per HTTP request (measured with `node-agent-bench client`:
/// 1.0 per request and 13,800 requests/s, against 0.0 and 17,300–19,400 with this).
/// Used for HTTP requests only: where a stream resumes the waiter (a streamed response body, a
/// control-plane watcher, a clock sleep), waiters hung under load with it, for a reason not yet found.
@LoopActor
public func withLoopThrowingContinuation<T: Sendable>(_ body: (CheckedContinuation<T, any Error>) -> Void) async throws -> T {
    try await withTaskExecutorPreference(EventLoop.shared.taskExecutor) { @LoopActor in
        try await withCheckedThrowingContinuation(body)
    }
}
