import Glibc
import CLibUV

/// Memory rules for libuv handles: allocated with `malloc`, `data` either nil or a retained object,
/// freed only in the `uv_close` callback. One rule for every handle lets `EventLoop.shutdown` close
/// whatever is left without knowing its type.
public enum LoopHandles {
    public static func allocate<Handle>(_ type: Handle.Type) -> UnsafeMutablePointer<Handle> {
        let raw = calloc(1, MemoryLayout<Handle>.size)!
        return raw.bindMemory(to: Handle.self, capacity: 1)
    }

    /// Stores `owner` (retained) as the handle's `data`; the close callback releases it.
    public static func attach(_ owner: AnyObject, to handle: UnsafeMutablePointer<uv_handle_t>) {
        precondition(handle.pointee.data == nil, "handle already has an owner")
        handle.pointee.data = Unmanaged.passRetained(owner).toOpaque()
    }

    public static func owner<T: AnyObject>(of handle: UnsafeMutablePointer<uv_handle_t>, as type: T.Type) -> T? {
        guard let data = handle.pointee.data else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(data).takeUnretainedValue() as? T
    }

    /// Closes the handle (once); memory and owner are released when libuv calls back.
    public static func close(_ handle: UnsafeMutablePointer<uv_handle_t>) {
        guard uv_is_closing(handle) == 0 else { return }
        uv_close(handle) { handle in
            guard let handle else { return }
            if let data = handle.pointee.data {
                handle.pointee.data = nil
                Unmanaged<AnyObject>.fromOpaque(data).release()
            }
            free(handle)
        }
    }
}
