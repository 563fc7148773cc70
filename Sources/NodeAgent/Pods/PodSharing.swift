import Kube
import Loop

/// One copy of what pods have in common. Every status write comes back as a new version of the pod,
/// decoded afresh, while the provider still holds the version it was given; and the replicas of a
/// workload bound to one node have equal specs. Kept apart, a spec is held once per pod and per
/// version; shared, once per template and node (bench: 100,000 pods on 10,000 nodes, 10,000 specs).
@LoopActor
final class PodSharing {
    /// The spec last seen with each fingerprint; most pods find theirs here.
    private var specs: [Int: IndirectOptional<PodSpec>] = [:]
    private var sweepAt = PodSharing.minimumSweep
    private static let minimumSweep = 1024

    /// Strings and condition lists many pods have (a namespace, an image; the conditions of pods
    /// started in one second), one copy each. Caches of fixed size that forget rather than grow.
    private var strings = [String?](repeating: nil, count: PodSharing.cacheSlots)
    private var conditions = [[PodCondition]?](repeating: nil, count: PodSharing.cacheSlots)
    private static let cacheSlots = 1024

    var specCount: Int { specs.count }

    /// Gives `pod` the storage of the parts it has in common with `stored` (its previous version) and
    /// with other pods (its spec, common strings, its conditions).
    func share(_ stored: Pod?, _ pod: inout Pod) {
        if let stored {
            if pod.$spec == stored.$spec { pod.$spec = stored.$spec }
            if pod.metadata.uid == stored.metadata.uid { pod.metadata.uid = stored.metadata.uid }
            if pod.metadata.labels == stored.metadata.labels { pod.metadata.labels = stored.metadata.labels }
            if pod.metadata.annotations == stored.metadata.annotations { pod.metadata.annotations = stored.metadata.annotations }
            if pod.metadata.ownerReferences == stored.metadata.ownerReferences {
                pod.metadata.ownerReferences = stored.metadata.ownerReferences
            }
        }
        if stored.map({ !pod.$spec.isShared(with: $0.$spec) }) ?? true { pod.$spec = canonical(pod.$spec) }
        intern(&pod.metadata.namespace)
        guard pod.status != nil else { return }
        intern(&pod.status!.hostIP)
        if let list = pod.status?.conditions { pod.status?.conditions = canonical(list) }
        for index in pod.status?.containerStatuses?.indices ?? 0..<0 {
            intern(&pod.status!.containerStatuses![index].image)
            intern(&pod.status!.containerStatuses![index].imageID)
        }
    }

    /// Strings of 15 bytes or fewer are stored inline, and not worth a lookup.
    private func intern(_ value: inout String?) {
        guard let text = value, text.utf8.count > 15 else { return }
        let slot = text.hashValue & (Self.cacheSlots - 1)
        if let known = strings[slot], known == text { value = known } else { strings[slot] = text }
    }

    private func canonical(_ list: [PodCondition]) -> [PodCondition] {
        var hasher = Hasher()
        for condition in list {
            hasher.combine(condition.type)
            hasher.combine(condition.status)
            hasher.combine(condition.lastTransitionTime?.seconds)
        }
        let slot = hasher.finalize() & (Self.cacheSlots - 1)
        if let known = conditions[slot], known == list { return known }
        conditions[slot] = list
        return list
    }

    private func canonical(_ spec: IndirectOptional<PodSpec>) -> IndirectOptional<PodSpec> {
        let key = Self.fingerprint(spec.wrappedValue)
        if let known = specs[key], known == spec { return known }
        specs[key] = spec
        if specs.count >= sweepAt { sweep() }
        return spec
    }

    /// Drops the specs no pod holds any more.
    private func sweep() {
        for key in Array(specs.keys) where specs[key]?.isUnshared() == true { specs[key] = nil }
        sweepAt = max(Self.minimumSweep, 2 * specs.count)
    }

    /// What tells specs apart cheaply: equal specs have equal fingerprints, and most unequal ones
    /// differ here (another node, image or volume).
    private static func fingerprint(_ spec: PodSpec?) -> Int {
        var hasher = Hasher()
        hasher.combine(spec?.nodeName)
        hasher.combine(spec?.serviceAccountName)
        for container in (spec?.initContainers ?? []) + (spec?.containers ?? []) {
            hasher.combine(container.name)
            hasher.combine(container.image)
        }
        for volume in spec?.volumes ?? [] { hasher.combine(volume.name) }
        return hasher.finalize()
    }
}
