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
    private var queue: [Pending] = []
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

    func pod(_ pod: Pod, node: String, container: String? = nil, reason: String, message: EventMessage, warning: Bool = false) {
        let initContainer = container.map { name in pod.spec?.initContainers?.contains { $0.name == name } == true } ?? false
        record(
            Pending(
                isPod: true, node: node, namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid,
                resourceVersion: pod.metadata.resourceVersion, container: container, initContainer: initContainer,
                reason: reason, message: message, warning: warning))
    }

    /// A node event; the kubelet names its node as the reference's UID too.
    func node(_ name: String, reason: String, message: EventMessage) {
        record(Pending(isPod: false, node: name, name: name, reason: reason, message: message))
    }

    private func record(_ event: Pending) {
        guard depth < capacity else {
            dropped += 1
            logger.debug("event dropped: queue full", ["reason": event.reason, "object": event.name ?? ""])
            return
        }
        var event = event
        event.time = Time.now()
        sequence += 1
        // Unique like client-go's names: a timestamp, plus a counter for events recorded within the
        // same nanosecond.
        event.stamp = UInt64(event.time.seconds) &* 1_000_000_000 &+ UInt64(event.time.nanoseconds) &+ sequence
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
                try await client.createWithoutResult(event.object)
                written += 1
            } catch {
                logger.debug("event not written", ["reason": event.reason, "object": event.name ?? "", "error": "\(error)"])
            }
        }
        active -= 1
    }

    /// A queued event: the strings it takes from its pod are shared with it, not copied, and its
    /// message is built when it is sent. A backlog of events then allocates nothing per event: queued
    /// `Event` values had left 2 KiB a pod of scattered heap behind them (100 nodes, 20,000 pods).
    private struct Pending {
        var isPod: Bool
        var node: String
        var namespace: String?
        var name: String?
        var uid: String?
        var resourceVersion: String?
        var container: String?
        var initContainer = false
        var reason: String
        var message: EventMessage
        var warning = false
        var time = Time(seconds: 0)
        var stamp: UInt64 = 0

        var object: Event {
            let involved =
                isPod
                ? ObjectReference(
                    apiVersion: "v1", kind: "Pod", namespace: namespace, name: name, uid: uid, resourceVersion: resourceVersion,
                    fieldPath: container.map { initContainer ? "spec.initContainers{\($0)}" : "spec.containers{\($0)}" })
                : ObjectReference(kind: "Node", name: name, uid: name)
            var event = Event(
                metadata: ObjectMeta(name: "\(name ?? "unknown").\(String(stamp, radix: 16))", namespace: namespace ?? "default"),
                involvedObject: involved, reason: reason, message: message.text, type: warning ? "Warning" : "Normal",
                source: EventSource(component: NodeAgent.component, host: node))
            event.firstTimestamp = time
            event.lastTimestamp = time
            event.count = 1
            event.reportingComponent = NodeAgent.component
            event.reportingInstance = node
            return event
        }
    }
}

/// An event's message. The kubelet's frequent ones are kept as their parts and written out when sent.
enum EventMessage: ExpressibleByStringInterpolation {
    case text(String)
    case imagePresent(image: String)
    case createdContainer(String)
    case startedContainer(String)
    case stoppingContainer(String)

    init(stringLiteral text: String) { self = .text(text) }
    init(stringInterpolation: DefaultStringInterpolation) { self = .text(String(stringInterpolation: stringInterpolation)) }

    var text: String {
        switch self {
        case .text(let text): text
        case .imagePresent(let image): "Container image \"\(image)\" already present on machine"
        case .createdContainer(let name): "Created container \(name)"
        case .startedContainer(let name): "Started container \(name)"
        case .stoppingContainer(let name): "Stopping container \(name)"
        }
    }
}
