import CLibUV
import Glibc
import Loop

/// Receive buffers shared by every connection: a read callback consumes its bytes before returning,
/// and the loop runs one callback at a time.
enum ReadBuffers {
    static let socket = SharedBuffer(size: 64 * 1024)
    static let plaintext = SharedBuffer(size: 64 * 1024)
}

/// Memory allocated once and never freed or moved.
struct SharedBuffer: @unchecked Sendable {
    // @unchecked: the pointer never changes; the bytes are only touched on the loop thread (in
    // libuv's alloc and read callbacks and the code they call), one callback at a time.
    let memory: UnsafeMutableRawBufferPointer

    init(size: Int) { memory = .allocate(byteCount: size, alignment: 16) }
}

/// The owner attached to a connection's `uv_tcp_t`: released by `LoopHandles`' close callback, which
/// is how the server learns that the handle is really gone.
@LoopActor
final class ConnectionHandle {
    let connection: Connection

    init(_ connection: Connection) { self.connection = connection }

    deinit {
        // Only the handle's `data` holds this object, so the last release is LoopHandles' close
        // callback, on the loop thread.
        LoopActor.assumeIsolated { connection.server.connectionHandleClosed() }
    }
}

// MARK: - libuv callbacks
//
// Plain functions rather than closures: a closure written inside @LoopActor code is itself
// @LoopActor, and its C entry point would then check the current executor on every call.

func onAllocate(_: UnsafeMutablePointer<uv_handle_t>?, _: Int, _ buffer: UnsafeMutablePointer<uv_buf_t>?) {
    let memory = ReadBuffers.socket.memory
    buffer!.pointee = uv_buf_init(memory.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(memory.count))
}

func onReadCompleted(_ stream: UnsafeMutablePointer<uv_stream_t>?, _ nread: Int, _: UnsafePointer<uv_buf_t>?) {
    guard let owner = LoopHandles.owner(of: cuv_handle(stream!), as: ConnectionHandle.self) else { return }
    LoopActor.assumeIsolated { owner.connection.didRead(nread) }
}

func onWriteCompleted(_ request: UnsafeMutablePointer<uv_write_t>?, _ status: Int32) {
    let (handle, length) = PendingWrite.release(request!)
    guard let owner = LoopHandles.owner(of: cuv_handle(handle), as: ConnectionHandle.self) else { return }
    LoopActor.assumeIsolated { owner.connection.writeCompleted(length, status: status) }
}

func onShutdownCompleted(_ request: UnsafeMutablePointer<uv_shutdown_t>?, _ status: Int32) {
    let handle = request!.pointee.handle!
    free(request)
    guard let owner = LoopHandles.owner(of: cuv_handle(handle), as: ConnectionHandle.self) else { return }
    LoopActor.assumeIsolated { owner.connection.shutdownCompleted(status) }
}

/// A `uv_write_t` and the storage it sends, in one allocation: [uv_write_t][storage][length].
enum PendingWrite {
    private static let requestSize = (MemoryLayout<uv_write_t>.stride + 15) & ~15

    static func make(storage: UnsafeMutableRawPointer, length: Int) -> UnsafeMutablePointer<uv_write_t> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: requestSize + 16, alignment: 16)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: requestSize)
        (raw + requestSize).storeBytes(of: storage, as: UnsafeMutableRawPointer.self)
        (raw + requestSize + 8).storeBytes(of: length, as: Int.self)
        return raw.bindMemory(to: uv_write_t.self, capacity: 1)
    }

    /// Frees the request and its storage; returns its stream and byte count.
    static func release(_ request: UnsafeMutablePointer<uv_write_t>) -> (UnsafeMutablePointer<uv_stream_t>?, Int) {
        let handle = request.pointee.handle
        let raw = UnsafeMutableRawPointer(request)
        let storage = (raw + requestSize).load(as: UnsafeMutableRawPointer.self)
        let length = (raw + requestSize + 8).load(as: Int.self)
        free(storage)
        raw.deallocate()
        return (handle, length)
    }
}
