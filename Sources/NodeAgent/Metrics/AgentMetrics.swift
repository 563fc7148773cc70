import HTTP
import Loop

/// The series the agent publishes on `/metrics`.
@LoopActor
public struct AgentMetrics {
    public let registry: MetricsRegistry
    let nodes: Gauge
    let nodesReady: Gauge
    let pods: Gauge
    let leaseRenewals: Counter
    public let leaseLateness: Histogram
    let statusUpdates: Counter
    public let apiRequests: Histogram
    public let reconciles: Counter
    let queueDepth: Gauge

    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        nodes = registry.gauge("node_agent_nodes", help: "Nodes the agent has registered.")
        nodesReady = registry.gauge("node_agent_nodes_ready", help: "Registered nodes whose last status said Ready=True.")
        pods = registry.gauge("node_agent_pods", help: "Pods bound to the agent's nodes.")
        leaseRenewals = registry.counter(
            "node_agent_lease_renewals_total", help: "Node lease renewals by result (success, failure).", labels: ["result"])
        leaseLateness = registry.histogram(
            "node_agent_lease_renewal_lateness_seconds",
            help: "How long after its due time a lease renewal was written.",
            buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
        statusUpdates = registry.counter(
            "node_agent_node_status_updates_total", help: "Node status writes by result (success, failure).", labels: ["result"])
        apiRequests = registry.histogram(
            "node_agent_api_request_duration_seconds",
            help: "Kubernetes API requests by verb and HTTP status code (0 = no answer).", labels: ["verb", "code"],
            buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
        reconciles = registry.counter(
            "node_agent_pod_reconciles_total", help: "Pod reconciles by result (success, error).", labels: ["result"])
        queueDepth = registry.gauge("node_agent_pod_reconcile_queue_depth", help: "Pods waiting for a reconcile.")
    }

    func observeRequest(_ method: HTTPMethod, _ status: Int, _ duration: Duration) {
        apiRequests.observe(duration.seconds, [method.rawValue, String(status)])
    }
}
