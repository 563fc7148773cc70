import Loop
import Testing

@Suite struct SplitMix64Tests {
    @Test func matchesTheReferenceOutput() {
        // The first outputs of the reference implementation (Vigna's splitmix64.c) seeded with 0.
        var random = SplitMix64(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
        var again = SplitMix64(seed: 0)
        #expect(again.next() == 0xE220_A839_7B1D_CDAF)
    }
}
