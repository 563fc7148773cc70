extension Task where Failure == Error {
    /// Starts a task that lives on the loop: its `@LoopActor` code runs on the loop thread, and so does
    /// every resumption (continuations, awaited tasks). A plain `Task { @LoopActor in }` resumes each
    /// continuation through the global pool first and hops back — two thread switches per await.
    @discardableResult
    public static func onLoop(
        priority: TaskPriority? = nil, _ operation: @escaping @LoopActor @Sendable () async throws -> Success
    ) -> Task<Success, Error> {
        Task(executorPreference: EventLoop.shared.taskExecutor, priority: priority) { try await operation() }
    }
}

extension Task where Failure == Never {
    /// The non-throwing form of `Task.onLoop`.
    @discardableResult
    public static func onLoop(
        priority: TaskPriority? = nil, _ operation: @escaping @LoopActor @Sendable () async -> Success
    ) -> Task<Success, Never> {
        Task(executorPreference: EventLoop.shared.taskExecutor, priority: priority) { await operation() }
    }
}
