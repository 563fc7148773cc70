/// The isolation domain of everything that touches libuv: code marked `@LoopActor` runs on
/// `EventLoop.shared`'s thread.
@globalActor
public actor LoopActor {
    public static let shared = LoopActor()

    /// Looked up once: the runtime asks for it on every hop (measured at several % of a busy loop).
    private nonisolated let executor: UnownedSerialExecutor

    private init() { executor = EventLoop.shared.serialExecutor.asUnownedSerialExecutor() }

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor }

    public static var sharedUnownedExecutor: UnownedSerialExecutor { shared.executor }

    /// Runs `body` at the end of this loop turn, after the jobs queued so far, so that writes gathered
    /// during the turn leave together.
    @LoopActor
    public static func atTurnEnd(_ body: @escaping @LoopActor @Sendable () -> Void) {
        EventLoop.shared.atTurnEnd { assumeIsolated(body) }
    }

    /// Runs `operation` as `@LoopActor` code when the caller is known, at run time, to be on the loop
    /// thread — as libuv callbacks are. Traps otherwise.
    /// Inlinable, so the closure is not boxed on the heap for every libuv and curl callback.
    @inlinable
    public static func assumeIsolated<T>(
        _ operation: @LoopActor () throws -> T, file: StaticString = #fileID, line: UInt = #line
    ) rethrows -> T {
        EventLoop.shared.preconditionInLoop(file: file, line: line)
        return try withoutActuallyEscaping(operation) { isolated in
            // Safe: we just checked we are on the loop thread, which is what @LoopActor guarantees.
            try unsafeBitCast(isolated, to: (() throws -> T).self)()
        }
    }
}
