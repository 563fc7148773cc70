import Kube
import Loop

/// Writes core/v1 Events about pods and nodes as a kubelet does (source component `node-agent`, host
/// = the node), without making the caller wait: an event that cannot be written is logged, not retried.
///
/// Like the kubelet's event broadcaster, events queue and a few writers send them in order: under
/// load they wait behind the pods' status writes instead of outnumbering them three to one. A full
/// queue drops new events, as the kubelet's does; `dropped` counts them.
@LoopActor
final class EventRecorder {
    private let client: KubeClient
    private let logger: Logger
    private let writers: Int
    private let capacity: Int
    private var sequence: UInt64 = 0
    private var queue: [Event] = []
    private var head = 0
    private var active = 0
    private(set) var written = 0
    private(set) var dropped = 0

    init(client: KubeClient, logger: Logger, writers: Int = 4, capacity: Int = 1_000_000) {
        self.client = client
        self.logger = logger
        self.writers = max(1, writers)
        self.capacity = capacity
    }

    /// Events recorded and not yet sent.
    var depth: Int { queue.count - head }
    /// True when every recorded event has been sent (or given up).
    var isIdle: Bool { depth == 0 && active == 0 }

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
        guard depth < capacity else {
            dropped += 1
            logger.debug("event dropped: queue full", ["reason": reason, "object": involved.name ?? ""])
            return
        }
        queue.append(event)
        if active < writers {
            active += 1
            Task { @LoopActor in await self.write() }
        }
    }

    private func write() async {
        while head < queue.count {
            let event = queue[head]
            head += 1
            // Sent events leave the array in batches, so that a long queue is not shifted per event.
            if head >= 4096, head * 2 >= queue.count {
                queue.removeFirst(head)
                head = 0
            }
            do {
                try await client.createWithoutResult(event)
                written += 1
            } catch {
                logger.debug(
                    "event not written", ["reason": event.reason ?? "", "object": event.involvedObject?.name ?? "", "error": "\(error)"])
            }
        }
        active -= 1
    }
}
