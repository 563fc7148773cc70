import Loop
import Testing

struct HeapTests {
    /// The test binary links `Loop` as `node-agent` does: if glibc's malloc were bound first, every
    /// allocation figure in the README would be from another allocator.
    @Test func mallocIsMimalloc() {
        #expect(Heap.isMimalloc)
    }
}
