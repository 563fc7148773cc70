/// Continuations that resume on the loop. A plain `withChecked…Continuation` awaited on `@LoopActor`
/// resumes on the global pool and only then hops back to the loop: two thread switches per await.
/// That was one cross-thread job per HTTP request (measured with `node-agent-bench client`: 1.0 per
/// request and 13,800 requests/s, against 0.0 and 19,400 with these).
@LoopActor
public func withLoopContinuation<T: Sendable>(_ body: (CheckedContinuation<T, Never>) -> Void) async -> T {
    await withTaskExecutorPreference(EventLoop.shared.taskExecutor) { @LoopActor in
        await withCheckedContinuation(body)
    }
}

@LoopActor
public func withLoopThrowingContinuation<T: Sendable>(_ body: (CheckedContinuation<T, any Error>) -> Void) async throws -> T {
    try await withTaskExecutorPreference(EventLoop.shared.taskExecutor) { @LoopActor in
        try await withCheckedThrowingContinuation(body)
    }
}
