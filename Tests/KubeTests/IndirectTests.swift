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

    @Test func anOptionalPartHoldsNoStorageWhenNil() {
        var pod = Pod(metadata: ObjectMeta(name: "p"))
        let empty = pod
        #expect(pod.$status.isShared(with: empty.$status))
        pod.status?.phase = "Running"
        // Writing through nil leaves nil: there was nothing to write to.
        #expect(pod.status == nil)
        pod.status = PodStatus(phase: "Pending")
        #expect(!pod.$status.isShared(with: empty.$status))
        let pending = pod
        pod.status?.phase = "Running"
        #expect(pending.status?.phase == "Pending")
        #expect(pod.status?.phase == "Running")
        pod.status = nil
        var unshared = pod.$status.isUnshared()
        #expect(unshared)
        #expect(pod.$status.isShared(with: empty.$status))
        var state = ContainerState(terminated: .init(exitCode: 1))
        state.terminated?.exitCode = 2
        #expect(state.terminated?.exitCode == 2)
        state.terminated = nil
        unshared = state.$terminated.isUnshared()
        #expect(unshared && state == ContainerState())
    }
}
