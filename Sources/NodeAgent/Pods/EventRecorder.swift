import Kube
import Loop

/// Writes core/v1 Events about pods and nodes as a kubelet does (source component `node-agent`, host
/// = the node), without making the caller wait: an event that cannot be written is logged, not retried.
@LoopActor
final class EventRecorder {
    private let client: KubeClient
    private let logger: Logger
    private var sequence: UInt64 = 0
    private(set) var written = 0

    init(client: KubeClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    func pod(_ pod: Pod, node: String, container: String? = nil, reason: String, message: String, warning: Bool = false) {
        let reference = ObjectReference(
            apiVersion: "v1", kind: "Pod", namespace: pod.metadata.namespace, name: pod.metadata.name,
            uid: pod.metadata.uid, resourceVersion: pod.metadata.resourceVersion,
            fieldPath: container.map { name in
                pod.spec?.initContainers?.contains { $0.name == name } == true
                    ? "spec.initContainers{\(name)}" : "spec.containers{\(name)}"
            })
        record(reference, namespace: pod.metadata.namespace ?? "default", node: node, reason: reason, message: message, warning: warning)
    }

    /// A node event; the kubelet names its node as the reference's UID too.
    func node(_ name: String, reason: String, message: String) {
        let reference = ObjectReference(kind: "Node", name: name, uid: name)
        record(reference, namespace: "default", node: name, reason: reason, message: message, warning: false)
    }

    private func record(_ involved: ObjectReference, namespace: String, node: String, reason: String, message: String, warning: Bool) {
        let now = Time.now()
        sequence += 1
        // Unique like client-go's names: the object's name and a hex timestamp, plus a counter for
        // events recorded within the same nanosecond.
        let stamp = String(UInt64(now.seconds) &* 1_000_000_000 &+ UInt64(now.nanoseconds) &+ sequence, radix: 16)
        var event = Event(
            metadata: ObjectMeta(name: "\(involved.name ?? "unknown").\(stamp)", namespace: namespace), involvedObject: involved,
            reason: reason, message: message, type: warning ? "Warning" : "Normal",
            source: EventSource(component: NodeAgent.component, host: node))
        event.firstTimestamp = now
        event.lastTimestamp = now
        event.count = 1
        event.reportingComponent = NodeAgent.component
        event.reportingInstance = node
        Task { @LoopActor in
            do {
                try await client.createWithoutResult(event)
                written += 1
            } catch {
                logger.debug("event not written", ["reason": reason, "object": involved.name ?? "", "error": "\(error)"])
            }
        }
    }
}
