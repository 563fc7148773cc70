import Glibc
import Loop
import Testing

/// ThreadSanitizer (`make test-tsan`) brings its own allocator in place of every other.
private let underThreadSanitizer = dlsym(nil, "__tsan_init") != nil

struct HeapTests {
    /// The test binary links `Loop` as `node-agent` does: if glibc's malloc were bound first, every
    /// allocation figure in the README would be from another allocator.
    @Test(.disabled(if: underThreadSanitizer, "ThreadSanitizer's allocator replaces mimalloc"))
    func mallocIsMimalloc() {
        #expect(Heap.isMimalloc)
    }
}
