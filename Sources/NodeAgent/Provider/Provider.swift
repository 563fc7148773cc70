import Kube
import Loop

/// What runs the pods of the agent's nodes (SPEC §1.6): virtual-kubelet's provider interface in Swift.
///
/// One instance serves every node of the process and is told each pod's node. The agent calls it from
/// its pod reconciles, one call at a time per pod; calls for different pods may overlap. A provider
/// reports what changes on its side through the `ProviderEvents` it is handed in `start` (no polling).
/// Optional capabilities — logs, exec, stats — are the extra protocols below, found with `as?`.
@LoopActor
public protocol Provider: AnyObject {
    /// Called once before any other call, with the names of the nodes the agent runs.
    func start(nodes: [String], events: ProviderEvents) async throws

    /// What `node` reports: capacity, conditions, addresses…; read at registration and after
    /// `ProviderEvents.nodeChanged`.
    func node(named node: String) async throws -> ProviderNode

    /// Starts `pod` on `node`. Called again for a pod the provider already runs, it must do nothing.
    func createPod(_ pod: Pod, on node: String) async throws
    /// The pod's spec changed (in the ways Kubernetes allows: images, activeDeadlineSeconds, tolerations).
    func updatePod(_ pod: Pod, on node: String) async throws
    /// Stops the pod (its deletion grace period is `pod.metadata.deletionGracePeriodSeconds`). The
    /// agent deletes the object once `pod(namespace:name:)` returns nil or the grace period is over.
    func deletePod(_ pod: Pod, on node: String) async throws

    /// The pod as the provider runs it (its status is what the agent writes), or nil if it has none.
    func pod(namespace: String, name: String) async throws -> Pod?
    /// Every pod the provider runs, with its node: at start, pods the cluster no longer has are deleted.
    func pods() async throws -> [ProviderPod]
}

/// A pod the provider holds, and on which node.
public struct ProviderPod: Sendable, Equatable {
    public var pod: Pod
    public var node: String

    public init(pod: Pod, node: String) {
        self.pod = pod
        self.node = node
    }
}

/// How a provider tells the agent that something changed on its side.
public struct ProviderEvents: Sendable {
    /// The status of this pod changed (the pod as `Provider.pod` now returns it).
    public var podChanged: @LoopActor @Sendable (_ namespace: String, _ name: String) -> Void
    /// What this node reports changed (conditions, capacity…).
    public var nodeChanged: @LoopActor @Sendable (_ node: String) -> Void

    public init(
        podChanged: @escaping @LoopActor @Sendable (String, String) -> Void,
        nodeChanged: @escaping @LoopActor @Sendable (String) -> Void
    ) {
        self.podChanged = podChanged
        self.nodeChanged = nodeChanged
    }
}

/// What a node reports about itself; the agent adds what it owns (labels, taints, lease, daemon endpoint).
public struct ProviderNode: Sendable, Equatable {
    public var capacity: [String: Quantity]
    /// Defaults to `capacity`.
    public var allocatable: [String: Quantity]?
    /// Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable; the agent fills the
    /// kubelet's defaults (`KubeletReady`, `KubeletHasSufficientMemory`, …) for those not given.
    public var conditions: [NodeCondition]
    /// Added to InternalIP (the agent's `--node-ip`) and Hostname.
    public var addresses: [NodeAddress]
    public var operatingSystem: String
    public var architecture: String
    /// `node.kubernetes.io/instance-type`, when the provider has one.
    public var instanceType: String?
    /// Defaults to `<provider>://<node name>`.
    public var providerID: String?
    public var labels: [String: String]

    public init(
        capacity: [String: Quantity], allocatable: [String: Quantity]? = nil, conditions: [NodeCondition] = [],
        addresses: [NodeAddress] = [], operatingSystem: String = "linux", architecture: String = "amd64",
        instanceType: String? = nil, providerID: String? = nil, labels: [String: String] = [:]
    ) {
        self.capacity = capacity
        self.allocatable = allocatable
        self.conditions = conditions
        self.addresses = addresses
        self.operatingSystem = operatingSystem
        self.architecture = architecture
        self.instanceType = instanceType
        self.providerID = providerID
        self.labels = labels
    }
}

// MARK: - Capabilities

/// `kubectl logs`: the kubelet API's `/containerLogs` options.
public struct LogOptions: Sendable, Equatable {
    public var tailLines: Int?
    public var follow = false
    public var timestamps = false
    public var sinceSeconds: Int?
    public var limitBytes: Int?
    public var previous = false

    public init(
        tailLines: Int? = nil, follow: Bool = false, timestamps: Bool = false, sinceSeconds: Int? = nil,
        limitBytes: Int? = nil, previous: Bool = false
    ) {
        self.tailLines = tailLines
        self.follow = follow
        self.timestamps = timestamps
        self.sinceSeconds = sinceSeconds
        self.limitBytes = limitBytes
        self.previous = previous
    }
}

/// A provider that has container logs.
@LoopActor
public protocol PodLogsProvider: Provider {
    /// The container's log as chunks of bytes; with `follow`, the stream stays open (until the
    /// container ends or the caller stops reading). Throws `ProviderError.notFound` for an unknown
    /// pod or container.
    func logs(namespace: String, pod: String, container: String, options: LogOptions) async throws
        -> AsyncThrowingStream<[UInt8], any Error>
}

/// Errors a provider reports; the kubelet API turns them into HTTP statuses.
public enum ProviderError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case invalid(String)
    case failed(String)

    public var description: String {
        switch self {
        case .notFound(let message), .invalid(let message), .failed(let message): message
        }
    }
}
