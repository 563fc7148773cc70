import Kube

/// What the agent is told on its command line (SPEC §1.1), as a value: the CLI fills it, tests set it.
public struct AgentConfiguration: Sendable {
    /// `--provider`: named in the default taint and the default providerID.
    public var providerName = "mock"
    /// `--nodename`: the node's name, or the prefix of `NAME-0 … NAME-(N-1)` when `nodeCount` > 1.
    public var nodeName = "virtual-kubelet"
    public var nodeCount = 1
    /// `--os`, as `kubernetes.io/os` writes it (`linux`, `windows`).
    public var operatingSystem = "linux"
    /// `--taint`; nil = the default `virtual-kubelet.io/provider=<provider>:NoSchedule`.
    public var taints: [Taint]?
    /// `--disable-taint`: register without any taint of ours.
    public var disableTaint = false
    /// `--no-schedule` (kubemark's flag): every node also carries `kubemark=true:NoSchedule`.
    public var noSchedule = false
    /// `--node-labels`.
    public var nodeLabels: [String: String] = [:]
    /// `--namespace`: only pods of this namespace; nil = all.
    public var namespace: String?
    /// `--node-ip`: every node's InternalIP, where the API server reaches the kubelet API.
    public var nodeIP = "127.0.0.1"
    /// The kubelet API's port, written as `daemonEndpoints.kubeletEndpoint.port`.
    public var kubeletPort = 10250
    /// `--pod-cidr`: split evenly among the nodes; a node's own `spec.podCIDR` wins.
    public var podCIDR = "10.244.0.0/16"
    /// `--node-lease-duration-seconds`; leases are renewed every quarter of it.
    public var leaseDurationSeconds = 40
    /// `--node-status-update-frequency`: the longest time between two status writes.
    public var statusUpdateFrequency: Duration = .seconds(60)
    /// Lease renewals and status writes are due on multiples of this (zero: anywhere), so that many
    /// nodes' requests leave in bursts (`LoopClock.delay(_:onGrid:)`); it adds at most this to a renewal's lateness.
    public var heartbeatGrid: Duration = .milliseconds(100)
    /// `--delete-nodes-on-exit`.
    public var deleteNodesOnExit = false
    /// Pod reconciles that may run at once.
    public var podWorkers = 64
    /// Nodes registered at once at start.
    public var registrationWorkers = 32

    public init() {}

    /// The names of the agent's nodes, in order.
    public var nodeNames: [String] {
        nodeCount == 1 ? [nodeName] : (0..<nodeCount).map { "\(nodeName)-\($0)" }
    }

    /// `--no-schedule`'s taint.
    public static let noScheduleTaint = Taint(key: "kubemark", value: "true", effect: "NoSchedule")

    /// The taints every node carries. `--no-schedule` asks for its taint by name, so `--disable-taint`
    /// (which drops the configured or default one) leaves it.
    public var effectiveTaints: [Taint] {
        var taints = disableTaint ? [] : self.taints ?? [Taint(key: "virtual-kubelet.io/provider", value: providerName, effect: "NoSchedule")]
        if noSchedule, !taints.contains(Self.noScheduleTaint) { taints.append(Self.noScheduleTaint) }
        return taints
    }

    /// `KEY=VALUE:EFFECT` or `KEY:EFFECT`, as `--taint` takes it; nil when malformed.
    public static func parseTaint(_ text: String) -> Taint? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let effect = String(text[text.index(after: colon)...])
        guard ["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(effect) else { return nil }
        let pair = text[..<colon]
        let key = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard let name = key.first, !name.isEmpty else { return nil }
        return Taint(key: String(name), value: key.count > 1 ? String(key[1]) : nil, effect: effect)
    }

    /// `a=b,c=d`, as `--node-labels` takes it; nil when malformed.
    public static func parseLabels(_ text: String) -> [String: String]? {
        var labels: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else { return nil }
            labels[String(parts[0])] = String(parts[1])
        }
        return labels
    }
}
