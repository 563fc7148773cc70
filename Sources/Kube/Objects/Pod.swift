/// `v1.Pod`. Its three parts live on the heap (`Indirect`, `IndirectOptional`): an agent holds each of its pods in
/// several places (the informer, the provider, the reconcile), 56 bytes a copy instead of 850.
public struct Pod: SpecStatusObject, Equatable {
    public static let resource = APIResource(group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    @Indirect public var metadata = ObjectMeta()
    @IndirectOptional public var spec: PodSpec?
    @IndirectOptional public var status: PodStatus?

    public init() {}

    public init(metadata: ObjectMeta, spec: PodSpec? = nil, status: PodStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// `v1.PodSpec`. Fields the agent never interprets are kept opaque so they survive a round trip.
public struct PodSpec: Codable, Sendable, Equatable {
    public var volumes: [Volume]?
    public var initContainers: [Container]?
    public var containers: [Container]?
    public var ephemeralContainers: [JSONValue]?
    /// `Always`, `OnFailure` or `Never`.
    public var restartPolicy: String?
    public var terminationGracePeriodSeconds: Int?
    public var activeDeadlineSeconds: Int?
    public var dnsPolicy: String?
    public var nodeSelector: [String: String]?
    public var serviceAccountName: String?
    /// Deprecated alias of `serviceAccountName` that servers still fill in.
    public var serviceAccount: String?
    public var automountServiceAccountToken: Bool?
    public var nodeName: String?
    public var hostNetwork: Bool?
    public var hostPID: Bool?
    public var hostIPC: Bool?
    public var shareProcessNamespace: Bool?
    public var securityContext: JSONValue?
    public var imagePullSecrets: [LocalObjectReference]?
    public var hostname: String?
    public var subdomain: String?
    public var affinity: Affinity?
    public var schedulerName: String?
    public var tolerations: [Toleration]?
    public var hostAliases: [JSONValue]?
    public var priorityClassName: String?
    public var priority: Int?
    public var dnsConfig: JSONValue?
    public var readinessGates: [JSONValue]?
    public var runtimeClassName: String?
    public var enableServiceLinks: Bool?
    /// `PreemptLowerPriority` or `Never`.
    public var preemptionPolicy: String?
    public var overhead: [String: Quantity]?
    public var topologySpreadConstraints: [JSONValue]?
    public var setHostnameAsFQDN: Bool?

    public init(containers: [Container]? = nil, nodeName: String? = nil) {
        self.containers = containers
        self.nodeName = nodeName
    }
}

/// `v1.LocalObjectReference`: a name in the same namespace.
public struct LocalObjectReference: Codable, Sendable, Equatable {
    public var name: String?
    public init(name: String? = nil) { self.name = name }
}

/// `v1.PodStatus`.
public struct PodStatus: Codable, Sendable, Equatable {
    /// `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`.
    public var phase: String?
    public var conditions: [PodCondition]?
    public var message: String?
    public var reason: String?
    public var nominatedNodeName: String?
    public var hostIP: String?
    public var podIP: String?
    public var podIPs: [PodIP]?
    public var startTime: Time?
    public var initContainerStatuses: [ContainerStatus]?
    public var containerStatuses: [ContainerStatus]?
    /// `Guaranteed`, `Burstable` or `BestEffort`.
    public var qosClass: String?
    public var ephemeralContainerStatuses: [ContainerStatus]?

    public init(phase: String? = nil, conditions: [PodCondition]? = nil) {
        self.phase = phase
        self.conditions = conditions
    }
}

public struct PodIP: Codable, Sendable, Equatable {
    public var ip: String?
    public init(ip: String? = nil) { self.ip = ip }
}

/// `v1.PodCondition`: `PodScheduled`, `Initialized`, `ContainersReady`, `Ready`.
public struct PodCondition: Codable, Sendable, Equatable {
    public var type: String?
    /// `True`, `False` or `Unknown`.
    public var status: String?
    public var lastProbeTime: Time?
    public var lastTransitionTime: Time?
    public var reason: String?
    public var message: String?

    public init(
        type: String? = nil, status: String? = nil, lastProbeTime: Time? = nil, lastTransitionTime: Time? = nil,
        reason: String? = nil, message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.lastProbeTime = lastProbeTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

/// `v1.ContainerStatus`.
public struct ContainerStatus: Codable, Sendable, Equatable {
    public var name: String?
    public var state: ContainerState?
    public var lastState: ContainerState?
    public var ready: Bool?
    public var restartCount: Int?
    public var image: String?
    public var imageID: String?
    public var containerID: String?
    public var started: Bool?

    public init(
        name: String? = nil, state: ContainerState? = nil, lastState: ContainerState? = nil, ready: Bool? = nil,
        restartCount: Int? = nil, image: String? = nil, imageID: String? = nil, containerID: String? = nil,
        started: Bool? = nil
    ) {
        self.name = name
        self.state = state
        self.lastState = lastState
        self.ready = ready
        self.restartCount = restartCount
        self.image = image
        self.imageID = imageID
        self.containerID = containerID
        self.started = started
    }
}

/// `v1.ContainerState`: at most one of the three is set. The two larger ones live on the heap, so
/// that a status (two states a container, most of them running or empty) holds 32 bytes for each.
public struct ContainerState: Codable, Sendable, Equatable {
    @IndirectOptional public var waiting: Waiting?
    public var running: Running?
    @IndirectOptional public var terminated: Terminated?

    public init(waiting: Waiting? = nil, running: Running? = nil, terminated: Terminated? = nil) {
        self.waiting = waiting
        self.running = running
        self.terminated = terminated
    }

    private enum CodingKeys: String, CodingKey { case waiting, running, terminated }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        running = try container.decodeIfPresent(Running.self, forKey: .running)
        waiting = try container.decodeIfPresent(Waiting.self, forKey: .waiting)
        terminated = try container.decodeIfPresent(Terminated.self, forKey: .terminated)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(waiting, forKey: .waiting)
        try container.encodeIfPresent(running, forKey: .running)
        try container.encodeIfPresent(terminated, forKey: .terminated)
    }

    public struct Waiting: Codable, Sendable, Equatable {
        public var reason: String?
        public var message: String?
        public init(reason: String? = nil, message: String? = nil) {
            self.reason = reason
            self.message = message
        }
    }

    public struct Running: Codable, Sendable, Equatable {
        public var startedAt: Time?
        public init(startedAt: Time? = nil) { self.startedAt = startedAt }
    }

    public struct Terminated: Codable, Sendable, Equatable {
        public var exitCode: Int?
        public var signal: Int?
        public var reason: String?
        public var message: String?
        public var startedAt: Time?
        public var finishedAt: Time?
        public var containerID: String?

        public init(
            exitCode: Int? = nil, signal: Int? = nil, reason: String? = nil, message: String? = nil,
            startedAt: Time? = nil, finishedAt: Time? = nil, containerID: String? = nil
        ) {
            self.exitCode = exitCode
            self.signal = signal
            self.reason = reason
            self.message = message
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.containerID = containerID
        }
    }
}

/// `v1.PodTemplateSpec`: the pod a workload stamps out.
public struct PodTemplateSpec: Codable, Sendable, Equatable {
    public var metadata: ObjectMeta?
    public var spec: PodSpec?

    public init(metadata: ObjectMeta? = nil, spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}
