import Kube
import Loop

/// Every kubemark node's flapping clock: started when the agent first asks about the node (its
/// registration), node i's `i × offset` later, with one timer per node armed for its next transition.
@LoopActor
final class NodeHealth {
    let schedule: HealthSchedule
    let offset: Duration
    private let clock: any LoopClock
    /// Told at each transition (the provider passes it on as `ProviderEvents.nodeChanged`).
    var nodeChanged: (@LoopActor (String) -> Void)?
    private var nodes: [String: Entry] = [:]

    private struct Entry {
        var clockStart: LoopInstant
        var timer: (any TimerHandle)?
    }

    init(schedule: HealthSchedule, offset: Duration, clock: any LoopClock) {
        self.schedule = schedule
        self.offset = offset
        self.clock = clock
    }

    /// Starts the node's clock the first time it is asked about; later calls change nothing.
    func register(_ node: String) {
        guard nodes[node] == nil else { return }
        nodes[node] = Entry(clockStart: clock.now + offset * nodes.count)
        arm(node)
    }

    /// The time on the node's flapping clock (negative before it starts; zero for an unknown node).
    func elapsed(_ node: String) -> Duration {
        nodes[node].map { clock.now.duration(since: $0.clockStart) } ?? .zero
    }

    func isHealthy(_ node: String) -> Bool { schedule.isHealthy(at: elapsed(node)) }

    /// Re-arms the node's one timer for its next transition.
    private func arm(_ node: String) {
        guard let entry = nodes[node], let next = schedule.nextTransition(after: elapsed(node)) else { return }
        nodes[node]?.timer = clock.schedule(after: entry.clockStart.duration(since: clock.now) + next) { [weak self] in
            self?.transition(node)
        }
    }

    private func transition(_ node: String) {
        arm(node)
        nodeChanged?(node)
    }

    func stop() {
        for node in nodes.keys { nodes[node]?.timer?.cancel() }
    }

    /// The Ready condition the kubelet reports: healthy, or its runtime down.
    static func readyCondition(healthy: Bool) -> NodeCondition {
        healthy
            ? NodeCondition(type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status")
            : NodeCondition(
                type: "Ready", status: "False", reason: "KubeletNotReady",
                message: "container runtime is down: runtime health check failed")
    }
}
