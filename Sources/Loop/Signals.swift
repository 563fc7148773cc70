import CLibUV

/// POSIX signals as an async sequence, delivered on the loop (never in a signal handler).
@LoopActor
public enum Signals {
    /// A stream of the given signals' numbers; the handlers are removed when the stream ends.
    public static func stream(_ signals: [Int32]) -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let watcher = SignalWatcher(continuation: continuation)
        for signal in signals { watcher.watch(signal) }
        continuation.onTermination = { _ in
            Task { @LoopActor in watcher.close() }
        }
        return stream
    }

    /// Waits for SIGINT or SIGTERM, the signals that ask for a graceful shutdown.
    public static func shutdownRequested() async -> Int32 {
        for await signal in stream([SIGINT, SIGTERM]) { return signal }
        return SIGTERM
    }
}

@LoopActor
private final class SignalWatcher {
    private let continuation: AsyncStream<Int32>.Continuation
    private var handles: [UnsafeMutablePointer<uv_signal_t>] = []

    init(continuation: AsyncStream<Int32>.Continuation) { self.continuation = continuation }

    func watch(_ signal: Int32) {
        let handle = LoopHandles.allocate(uv_signal_t.self)
        uv_signal_init(EventLoop.shared.uv, handle)
        LoopHandles.attach(self, to: cuv_handle(handle))
        uv_signal_start(handle, { handle, signal in
            LoopActor.assumeIsolated {
                LoopHandles.owner(of: cuv_handle(handle!), as: SignalWatcher.self)?.deliver(signal)
            }
        }, signal)
        handles.append(handle)
    }

    private func deliver(_ signal: Int32) { continuation.yield(signal) }

    func close() {
        for handle in handles { LoopHandles.close(cuv_handle(handle)) }
        handles = []
    }
}
