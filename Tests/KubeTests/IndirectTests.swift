import Kube
import Testing

@Suite struct IndirectTests {
    @Test func copiesShareStorageUntilOneIsWritten() {
        let original = Pod(metadata: ObjectMeta(name: "p"), spec: PodSpec(nodeName: "a"))
        var copy = original
        #expect(copy.$spec.isShared(with: original.$spec))
        copy.spec?.nodeName = "b"
        #expect(!copy.$spec.isShared(with: original.$spec))
        #expect(original.spec?.nodeName == "a")
        #expect(copy.spec?.nodeName == "b")
        // The metadata was not written: still one copy.
        #expect(copy.$metadata.isShared(with: original.$metadata))
    }

    @Test func aSoleHolderWritesInPlaceAndASharedOneCopiesFirst() {
        var value = Indirect(wrappedValue: [1])
        var unshared = value.isUnshared()
        #expect(unshared)
        var other: Indirect<[Int]>? = value
        unshared = value.isUnshared()
        #expect(!unshared)
        value.wrappedValue.append(2)
        // Written while `other` held it: copied, and `other` keeps the old value.
        #expect(other?.wrappedValue == [1])
        #expect(other.map { value.isShared(with: $0) } == false)
        unshared = value.isUnshared()
        #expect(unshared)
        other = nil
        value.wrappedValue.append(3)
        #expect(value.wrappedValue == [1, 2, 3])
    }

    @Test func equalityComparesValuesWhateverTheStorage() {
        let one = Pod(metadata: ObjectMeta(name: "p"), spec: PodSpec(nodeName: "a"))
        let other = Pod(metadata: ObjectMeta(name: "p"), spec: PodSpec(nodeName: "a"))
        #expect(!one.$spec.isShared(with: other.$spec))
        #expect(one == other)
        var changed = other
        changed.spec?.nodeName = "b"
        #expect(one != changed)
    }
}
