import Kube
import NodeAgent

/// A pod as providers index it: pods are unique by namespace and name (SPEC §1.5).
struct PodKey: Hashable, Sendable {
    var namespace: String
    var name: String

    init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    init(_ pod: Pod) throws(ProviderError) {
        guard let name = pod.metadata.name, !name.isEmpty else { throw ProviderError.invalid("a pod without a name") }
        self.init(namespace: pod.metadata.namespace ?? "default", name: name)
    }
}
