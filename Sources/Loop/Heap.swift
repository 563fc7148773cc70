import CMalloc
import Glibc

/// The process's allocator settings.
public enum Heap {
    /// One malloc arena for every thread. glibc gives threads that contend arenas of their own; here
    /// the threads are one loop and short decoding jobs handing their results to it, so objects made
    /// on one thread live and die on another, and each arena keeps the others' holes. Measured with
    /// `bench --nodes 100 --pods 20000 --separate-control-plane`: 4.0 KiB a pod with the default,
    /// 3.5 with one arena; the per-thread caches (tcache) keep the lock off the common path.
    /// `MALLOC_ARENA_MAX` in the environment, glibc's own setting, wins.
    public static func useOneArena() {
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        _ = mallopt(M_ARENA_MAX, 1)
    }
}
