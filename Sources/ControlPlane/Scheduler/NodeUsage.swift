import Kube

/// A pod's identity in the scheduler's books: namespace and name (unique among live pods).
public struct PodKey: Hashable, Sendable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public init(_ pod: Pod) {
        self.init(namespace: pod.metadata.namespace ?? "", name: pod.metadata.name ?? "")
    }

    public var description: String { "\(namespace)/\(name)" }
}

/// What the pods bound to one node request, kept up to date one pod at a time so that scheduling
/// never re-sums a node's pods (kube-scheduler's `NodeInfo.Requested` and `NonZeroRequested`).
///
/// Each counted pod's request is remembered under its key, so counting a pod again replaces its
/// old request and removing it subtracts exactly what was added: callers can feed every pod event
/// without tracking what was counted before.
public struct NodeUsage: Sendable, Equatable {
    /// The sum of the counted pods' requests, for the fit check.
    public private(set) var requested = ResourceAmounts()
    /// The sum of the counted pods' cpu requests with the scoring defaults (100m a container).
    public private(set) var nonZeroMilliCPU: Int64 = 0
    /// The sum of the counted pods' memory requests with the scoring defaults (200Mi a container).
    public private(set) var nonZeroMemory: Int64 = 0
    private var pods: [PodKey: PodRequest] = [:]

    public init() {}

    /// Counts each pod that `update(_:)` would count.
    public init(pods: some Sequence<Pod>) {
        for pod in pods { update(pod) }
    }

    /// How many pods are counted (checked against the node's allocatable `pods`).
    public var podCount: Int { pods.count }

    public var isEmpty: Bool { pods.isEmpty }

    public func contains(_ key: PodKey) -> Bool { pods[key] != nil }

    /// The request counted for `key`, if it is counted.
    public func request(of key: PodKey) -> PodRequest? { pods[key] }

    /// Counts `pod` (replacing what was counted under its key), or stops counting it once it has
    /// terminated (phase `Succeeded` or `Failed`), as kube-scheduler ignores terminated pods.
    /// Which node the pod is bound to is the caller's business (see `SchedulerSnapshot`).
    public mutating func update(_ pod: Pod) {
        if Self.isTerminated(pod) {
            remove(PodKey(pod))
        } else {
            set(PodRequest(pod.spec), for: PodKey(pod))
        }
    }

    /// Counts `request` under `key`, replacing what was counted under it.
    public mutating func set(_ request: PodRequest, for key: PodKey) {
        if let old = pods.updateValue(request, forKey: key) { subtract(old) }
        requested.add(request.resources)
        nonZeroMilliCPU = nonZeroMilliCPU &+ request.nonZeroMilliCPU
        nonZeroMemory = nonZeroMemory &+ request.nonZeroMemory
    }

    /// Stops counting `key`; returns what was counted for it.
    @discardableResult
    public mutating func remove(_ key: PodKey) -> PodRequest? {
        guard let old = pods.removeValue(forKey: key) else { return nil }
        subtract(old)
        return old
    }

    private mutating func subtract(_ request: PodRequest) {
        requested.subtract(request.resources)
        nonZeroMilliCPU = nonZeroMilliCPU &- request.nonZeroMilliCPU
        nonZeroMemory = nonZeroMemory &- request.nonZeroMemory
    }

    /// Phase `Succeeded` or `Failed`: the pod holds no resources any more.
    public static func isTerminated(_ pod: Pod) -> Bool { isTerminated(phase: pod.status?.phase) }

    static func isTerminated(phase: String?) -> Bool { phase == "Succeeded" || phase == "Failed" }
}
