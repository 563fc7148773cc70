/// `v1.Node`: what the agent registers and keeps fresh.
public struct Node: SpecStatusObject, Equatable {
    public static let resource = APIResource(group: "", version: "v1", resource: "nodes", kind: "Node", namespaced: false)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var spec: NodeSpec?
    public var status: NodeStatus?

    public init() {}

    public init(metadata: ObjectMeta, spec: NodeSpec? = nil, status: NodeStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// `v1.NodeSpec`.
public struct NodeSpec: Codable, Sendable, Equatable {
    public var podCIDR: String?
    public var podCIDRs: [String]?
    public var providerID: String?
    /// Cordoned.
    public var unschedulable: Bool?
    public var taints: [Taint]?
    public var configSource: JSONValue?

    public init(providerID: String? = nil, unschedulable: Bool? = nil, taints: [Taint]? = nil) {
        self.providerID = providerID
        self.unschedulable = unschedulable
        self.taints = taints
    }
}

/// `v1.NodeStatus`.
public struct NodeStatus: Codable, Sendable, Equatable {
    public var capacity: [String: Quantity]?
    public var allocatable: [String: Quantity]?
    /// Deprecated; servers still echo it.
    public var phase: String?
    public var conditions: [NodeCondition]?
    public var addresses: [NodeAddress]?
    public var daemonEndpoints: NodeDaemonEndpoints?
    public var nodeInfo: NodeSystemInfo?
    public var images: [ContainerImage]?
    public var volumesInUse: [String]?
    public var volumesAttached: [AttachedVolume]?
    public var config: JSONValue?

    public init(
        capacity: [String: Quantity]? = nil, allocatable: [String: Quantity]? = nil,
        conditions: [NodeCondition]? = nil, addresses: [NodeAddress]? = nil,
        daemonEndpoints: NodeDaemonEndpoints? = nil, nodeInfo: NodeSystemInfo? = nil
    ) {
        self.capacity = capacity
        self.allocatable = allocatable
        self.conditions = conditions
        self.addresses = addresses
        self.daemonEndpoints = daemonEndpoints
        self.nodeInfo = nodeInfo
    }
}

/// `v1.NodeCondition`: `Ready`, `MemoryPressure`, `DiskPressure`, `PIDPressure`, `NetworkUnavailable`.
public struct NodeCondition: Codable, Sendable, Equatable {
    public var type: String?
    /// `True`, `False` or `Unknown`.
    public var status: String?
    public var lastHeartbeatTime: Time?
    public var lastTransitionTime: Time?
    public var reason: String?
    public var message: String?

    public init(
        type: String? = nil, status: String? = nil, lastHeartbeatTime: Time? = nil,
        lastTransitionTime: Time? = nil, reason: String? = nil, message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.lastHeartbeatTime = lastHeartbeatTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

extension NodeCondition {
    /// Reads a condition from parsed JSON, nil where Codable would throw. A node agent reads the
    /// conditions of every status answer (167 a second for 10,000 nodes); through Codable that was
    /// 2.5 % of the heartbeat's CPU.
    public init?(json: JSONValue) {
        guard case .object = json,
              let type = Self.text(json["type"]), let status = Self.text(json["status"]),
              let heartbeat = Self.time(json["lastHeartbeatTime"]), let transition = Self.time(json["lastTransitionTime"]),
              let reason = Self.text(json["reason"]), let message = Self.text(json["message"])
        else { return nil }
        self.init(
            type: type, status: status, lastHeartbeatTime: heartbeat, lastTransitionTime: transition, reason: reason,
            message: message)
    }

    /// `.some(nil)` for a member that is missing or null; nil for one that is not a string.
    private static func text(_ value: JSONValue?) -> String?? {
        switch value {
        case nil, .null?: .some(nil)
        case .string(let text)?: .some(text)
        default: nil
        }
    }

    private static func time(_ value: JSONValue?) -> Time?? {
        guard let text = text(value) else { return nil }
        guard let text else { return .some(nil) }
        return Time(rfc3339: text).map { .some($0) }
    }
}

/// `v1.NodeAddress`: `InternalIP`, `ExternalIP`, `Hostname`, `InternalDNS`, `ExternalDNS`.
public struct NodeAddress: Codable, Sendable, Equatable {
    public var type: String?
    public var address: String?

    public init(type: String? = nil, address: String? = nil) {
        self.type = type
        self.address = address
    }
}

/// `v1.NodeDaemonEndpoints`: where the API server reaches the kubelet (logs, exec, …).
public struct NodeDaemonEndpoints: Codable, Sendable, Equatable {
    public var kubeletEndpoint: DaemonEndpoint?

    public init(kubeletEndpoint: DaemonEndpoint? = nil) {
        self.kubeletEndpoint = kubeletEndpoint
    }
}

/// `v1.DaemonEndpoint`. Its one field is spelt `Port` on the wire — a Kubernetes quirk.
public struct DaemonEndpoint: Codable, Sendable, Equatable {
    public var port: Int?

    public init(port: Int? = nil) { self.port = port }

    enum CodingKeys: String, CodingKey { case port = "Port" }
}

/// `v1.NodeSystemInfo`.
public struct NodeSystemInfo: Codable, Sendable, Equatable {
    public var machineID: String?
    public var systemUUID: String?
    public var bootID: String?
    public var kernelVersion: String?
    public var osImage: String?
    public var containerRuntimeVersion: String?
    public var kubeletVersion: String?
    public var kubeProxyVersion: String?
    public var operatingSystem: String?
    public var architecture: String?

    public init(
        machineID: String? = nil, systemUUID: String? = nil, bootID: String? = nil, kernelVersion: String? = nil,
        osImage: String? = nil, containerRuntimeVersion: String? = nil, kubeletVersion: String? = nil,
        kubeProxyVersion: String? = nil, operatingSystem: String? = nil, architecture: String? = nil
    ) {
        self.machineID = machineID
        self.systemUUID = systemUUID
        self.bootID = bootID
        self.kernelVersion = kernelVersion
        self.osImage = osImage
        self.containerRuntimeVersion = containerRuntimeVersion
        self.kubeletVersion = kubeletVersion
        self.kubeProxyVersion = kubeProxyVersion
        self.operatingSystem = operatingSystem
        self.architecture = architecture
    }
}

/// `v1.ContainerImage`: an image present on the node.
public struct ContainerImage: Codable, Sendable, Equatable {
    public var names: [String]?
    public var sizeBytes: Int64?

    public init(names: [String]? = nil, sizeBytes: Int64? = nil) {
        self.names = names
        self.sizeBytes = sizeBytes
    }
}

/// `v1.AttachedVolume`.
public struct AttachedVolume: Codable, Sendable, Equatable {
    public var name: String?
    public var devicePath: String?

    public init(name: String? = nil, devicePath: String? = nil) {
        self.name = name
        self.devicePath = devicePath
    }
}
