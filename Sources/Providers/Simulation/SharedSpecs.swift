import Kube

/// One copy of the spec the pods of a workload share: a ReplicaSet's or a Job's pods differ only in
/// `nodeName`, and a simulator holding 100,000 of them keeps one spec per owner instead of one per pod.
final class SharedSpec {
    /// The spec without `nodeName` (each pod's is its node).
    let spec: PodSpec?
    let owner: String?
    fileprivate(set) var users = 0

    init(_ spec: PodSpec?, owner: String?) {
        self.spec = spec
        self.owner = owner
    }

    /// The pod's spec as it was given: the shared one on `node`.
    func spec(on node: String) -> PodSpec? {
        guard var spec else { return nil }
        spec.nodeName = node
        return spec
    }
}

/// The shared specs by owner UID; a spec goes when its last pod does.
struct SharedSpecs {
    private var byOwner: [String: SharedSpec] = [:]

    /// The shared copy of `pod`'s spec, when a pod of the same owner has the same one; else a new copy.
    mutating func take(for pod: Pod) -> SharedSpec {
        var spec = pod.spec
        spec?.nodeName = nil
        let owner = pod.metadata.ownerReferences?.first { $0.controller == true }?.uid ?? pod.metadata.ownerReferences?.first?.uid
        if let owner, let shared = byOwner[owner], shared.spec == spec {
            shared.users += 1
            return shared
        }
        let shared = SharedSpec(spec, owner: owner)
        shared.users = 1
        // The owner's newest spec is the one its next pods will have (after a rollout, say).
        if let owner { byOwner[owner] = shared }
        return shared
    }

    mutating func release(_ shared: SharedSpec) {
        shared.users -= 1
        if shared.users == 0, let owner = shared.owner, byOwner[owner] === shared { byOwner[owner] = nil }
    }
}
