/// The loop as an actor executor: jobs of `@LoopActor` (and of any actor that names it) run on the loop thread.
public final class LoopSerialExecutor: SerialExecutor {
    unowned let loop: EventLoop

    init(loop: EventLoop) { self.loop = loop }

    public func enqueue(_ job: consuming ExecutorJob) {
        loop.enqueue(.serial(UnownedJob(job)))
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets `assumeIsolated` succeed inside libuv callbacks, which run on the loop thread but outside any job.
    public func checkIsolated() {
        loop.preconditionInLoop()
    }
}

/// The loop as a task executor, kept separate from the serial executor: nonisolated async code of a task
/// started with `Task(executorPreference: loop.taskExecutor)` stays on the loop instead of the global pool.
public final class LoopTaskExecutor: TaskExecutor {
    unowned let loop: EventLoop

    init(loop: EventLoop) { self.loop = loop }

    public func enqueue(_ job: consuming ExecutorJob) {
        loop.enqueue(.task(UnownedJob(job)))
    }

    public func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }
}
