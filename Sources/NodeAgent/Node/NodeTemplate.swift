import Kube

/// The parts of a Node object the agent owns, built from its configuration and what the provider
/// reports (SPEC §1.2). Everything else on the node belongs to someone else and is never written.
struct NodeTemplate {
    let name: String
    let configuration: AgentConfiguration
    let reported: ProviderNode

    /// The kubelet's reasons and messages for conditions the provider leaves out.
    static let defaultConditions: [(type: String, status: String, reason: String, message: String)] = [
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("NetworkUnavailable", "False", "RouteCreated", "RouteController created a route"),
    ]

    var labels: [String: String] {
        var labels = reported.labels
        labels["type"] = "virtual-kubelet"
        labels["kubernetes.io/role"] = "agent"
        labels["kubernetes.io/hostname"] = name
        labels["kubernetes.io/os"] = reported.operatingSystem
        labels["kubernetes.io/arch"] = reported.architecture
        labels["beta.kubernetes.io/os"] = reported.operatingSystem
        labels["beta.kubernetes.io/arch"] = reported.architecture
        if let instanceType = reported.instanceType { labels["node.kubernetes.io/instance-type"] = instanceType }
        labels.merge(configuration.nodeLabels) { _, given in given }
        return labels
    }

    var providerID: String { reported.providerID ?? "\(configuration.providerName)://\(name)" }

    /// A new node as registration creates it.
    func node(at now: Time) -> Node {
        Node(
            metadata: ObjectMeta(name: name, labels: labels, annotations: ["node.alpha.kubernetes.io/ttl": "0"]),
            spec: NodeSpec(providerID: providerID, taints: configuration.effectiveTaints.isEmpty ? nil : configuration.effectiveTaints),
            status: status(previous: [], at: now))
    }

    /// The status the agent writes. A condition keeps its `lastTransitionTime` while its status stays
    /// what `previous` (the conditions the API server holds) says.
    func status(previous: [NodeCondition], at now: Time) -> NodeStatus {
        var conditions: [NodeCondition] = []
        for fallback in Self.defaultConditions {
            var condition = reported.conditions.first { $0.type == fallback.type }
                ?? NodeCondition(type: fallback.type, status: fallback.status, reason: fallback.reason, message: fallback.message)
            condition.lastHeartbeatTime = now
            let before = previous.first { $0.type == condition.type }
            condition.lastTransitionTime = before?.status == condition.status ? before?.lastTransitionTime ?? now : now
            conditions.append(condition)
        }
        // Conditions the provider adds beyond the kubelet's five.
        for var extra in reported.conditions where !conditions.contains(where: { $0.type == extra.type }) {
            extra.lastHeartbeatTime = now
            let before = previous.first { $0.type == extra.type }
            extra.lastTransitionTime = before?.status == extra.status ? before?.lastTransitionTime ?? now : now
            conditions.append(extra)
        }
        var addresses = [NodeAddress(type: "InternalIP", address: configuration.nodeIP), NodeAddress(type: "Hostname", address: name)]
        for address in reported.addresses where !addresses.contains(where: { $0.type == address.type }) {
            addresses.append(address)
        }
        return NodeStatus(
            capacity: reported.capacity, allocatable: reported.allocatable ?? reported.capacity, conditions: conditions,
            addresses: addresses,
            daemonEndpoints: NodeDaemonEndpoints(kubeletEndpoint: DaemonEndpoint(port: configuration.kubeletPort)),
            nodeInfo: NodeSystemInfo(
                machineID: name, systemUUID: name, bootID: "", kernelVersion: "", osImage: "",
                containerRuntimeVersion: "\(configuration.providerName)://\(NodeAgent.version)",
                kubeletVersion: NodeAgent.kubeletVersion, kubeProxyVersion: NodeAgent.kubeletVersion,
                operatingSystem: reported.operatingSystem, architecture: reported.architecture))
    }

    /// The patch when only time has passed since the last write (the provider reports what it did then,
    /// and the server's conditions are the ones that write left): each condition's heartbeat time,
    /// merged by type. It is what the kubelet's two-way patch of an unchanged status holds, and it
    /// spares encoding the whole status (a third of a status write's cost).
    func heartbeatPatch(at now: Time) -> JSONValue {
        let time = JSONValue.string(now.rfc3339)
        return ["status": ["conditions": .array(conditionStatuses.map { ["type": .string($0.type), "lastHeartbeatTime": time] })]]
    }

    /// Whether the server's conditions say otherwise than the agent's (someone else wrote one): a
    /// heartbeat patch leaves such a condition as it is, so a whole status must follow.
    func differs(from server: [NodeCondition]) -> Bool {
        conditionStatuses.contains { ours in server.first { $0.type == ours.type }?.status != ours.status }
    }

    /// The type and status of every condition the agent writes: the kubelet's five, then the provider's others.
    private var conditionStatuses: [(type: String, status: String?)] {
        let kubelets = Self.defaultConditions.map { fallback in
            (fallback.type, reported.conditions.first { $0.type == fallback.type }?.status ?? fallback.status)
        }
        let others = reported.conditions.compactMap { condition in
            condition.type.flatMap { type in Self.defaultConditions.contains { $0.type == type } ? nil : (type, condition.status) }
        }
        return kubelets + others
    }

    /// The strategic merge patch of `/status` that writes only what the agent owns: conditions merge
    /// by type and addresses by type, so a condition or address another component wrote stays.
    func statusPatch(previous: [NodeCondition], at now: Time) throws(KubeError) -> JSONValue {
        ["status": try JSONValue(encoding: status(previous: previous, at: now))]
    }
}
