/// A status condition of the common shape (workloads, namespaces, CRDs): each kind uses a subset of
/// the time fields.
public struct ObjectCondition: Codable, Sendable, Equatable {
    public var type: String?
    /// `True`, `False` or `Unknown`.
    public var status: String?
    public var observedGeneration: Int?
    public var lastProbeTime: Time?
    public var lastUpdateTime: Time?
    public var lastTransitionTime: Time?
    public var reason: String?
    public var message: String?

    public init(
        type: String? = nil, status: String? = nil, lastTransitionTime: Time? = nil, reason: String? = nil,
        message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

/// `apps/v1` Deployment.
public struct Deployment: SpecStatusObject, Equatable {
    public static let resource = APIResource(
        group: "apps", version: "v1", resource: "deployments", kind: "Deployment", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var spec: Spec?
    public var status: Status?

    public init() {}

    public struct Spec: Codable, Sendable, Equatable {
        public var replicas: Int?
        public var selector: LabelSelector?
        public var template: PodTemplateSpec?
        public var strategy: Strategy?
        public var minReadySeconds: Int?
        public var revisionHistoryLimit: Int?
        public var paused: Bool?
        public var progressDeadlineSeconds: Int?

        public init(replicas: Int? = nil, selector: LabelSelector? = nil, template: PodTemplateSpec? = nil) {
            self.replicas = replicas
            self.selector = selector
            self.template = template
        }
    }

    public struct Strategy: Codable, Sendable, Equatable {
        /// `RollingUpdate` or `Recreate`.
        public var type: String?
        public var rollingUpdate: RollingUpdate?

        public init(type: String? = nil, rollingUpdate: RollingUpdate? = nil) {
            self.type = type
            self.rollingUpdate = rollingUpdate
        }
    }

    public struct RollingUpdate: Codable, Sendable, Equatable {
        /// Int-or-string: a count or a percentage (`"25%"`).
        public var maxSurge: JSONValue?
        public var maxUnavailable: JSONValue?

        public init(maxSurge: JSONValue? = nil, maxUnavailable: JSONValue? = nil) {
            self.maxSurge = maxSurge
            self.maxUnavailable = maxUnavailable
        }
    }

    public struct Status: Codable, Sendable, Equatable {
        public var observedGeneration: Int?
        public var replicas: Int?
        public var updatedReplicas: Int?
        public var readyReplicas: Int?
        public var availableReplicas: Int?
        public var unavailableReplicas: Int?
        public var conditions: [ObjectCondition]?
        public var collisionCount: Int?

        public init() {}
    }
}

/// `apps/v1` ReplicaSet.
public struct ReplicaSet: SpecStatusObject, Equatable {
    public static let resource = APIResource(
        group: "apps", version: "v1", resource: "replicasets", kind: "ReplicaSet", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var spec: Spec?
    public var status: Status?

    public init() {}

    public struct Spec: Codable, Sendable, Equatable {
        public var replicas: Int?
        public var minReadySeconds: Int?
        public var selector: LabelSelector?
        public var template: PodTemplateSpec?

        public init(replicas: Int? = nil, selector: LabelSelector? = nil, template: PodTemplateSpec? = nil) {
            self.replicas = replicas
            self.selector = selector
            self.template = template
        }
    }

    public struct Status: Codable, Sendable, Equatable {
        public var replicas: Int?
        public var fullyLabeledReplicas: Int?
        public var readyReplicas: Int?
        public var availableReplicas: Int?
        public var observedGeneration: Int?
        public var conditions: [ObjectCondition]?

        public init() {}
    }
}

/// `apps/v1` StatefulSet. Update strategy and volume claim templates are opaque.
public struct StatefulSet: SpecStatusObject, Equatable {
    public static let resource = APIResource(
        group: "apps", version: "v1", resource: "statefulsets", kind: "StatefulSet", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var spec: Spec?
    public var status: Status?

    public init() {}

    public struct Spec: Codable, Sendable, Equatable {
        public var replicas: Int?
        public var selector: LabelSelector?
        public var template: PodTemplateSpec?
        public var volumeClaimTemplates: [JSONValue]?
        public var serviceName: String?
        /// `OrderedReady` or `Parallel`.
        public var podManagementPolicy: String?
        public var updateStrategy: JSONValue?
        public var revisionHistoryLimit: Int?
        public var minReadySeconds: Int?

        public init(replicas: Int? = nil, selector: LabelSelector? = nil, template: PodTemplateSpec? = nil) {
            self.replicas = replicas
            self.selector = selector
            self.template = template
        }
    }

    public struct Status: Codable, Sendable, Equatable {
        public var observedGeneration: Int?
        public var replicas: Int?
        public var readyReplicas: Int?
        public var currentReplicas: Int?
        public var updatedReplicas: Int?
        public var availableReplicas: Int?
        public var currentRevision: String?
        public var updateRevision: String?
        public var collisionCount: Int?
        public var conditions: [ObjectCondition]?

        public init() {}
    }
}

/// `apps/v1` DaemonSet. The update strategy is opaque.
public struct DaemonSet: SpecStatusObject, Equatable {
    public static let resource = APIResource(
        group: "apps", version: "v1", resource: "daemonsets", kind: "DaemonSet", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var spec: Spec?
    public var status: Status?

    public init() {}

    public struct Spec: Codable, Sendable, Equatable {
        public var selector: LabelSelector?
        public var template: PodTemplateSpec?
        public var updateStrategy: JSONValue?
        public var minReadySeconds: Int?
        public var revisionHistoryLimit: Int?

        public init(selector: LabelSelector? = nil, template: PodTemplateSpec? = nil) {
            self.selector = selector
            self.template = template
        }
    }

    public struct Status: Codable, Sendable, Equatable {
        public var currentNumberScheduled: Int?
        public var numberMisscheduled: Int?
        public var desiredNumberScheduled: Int?
        public var numberReady: Int?
        public var observedGeneration: Int?
        public var updatedNumberScheduled: Int?
        public var numberAvailable: Int?
        public var numberUnavailable: Int?
        public var collisionCount: Int?
        public var conditions: [ObjectCondition]?

        public init() {}
    }
}

/// `batch/v1` Job.
public struct Job: SpecStatusObject, Equatable {
    public static let resource = APIResource(group: "batch", version: "v1", resource: "jobs", kind: "Job", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var spec: Spec?
    public var status: Status?

    public init() {}

    public struct Spec: Codable, Sendable, Equatable {
        public var parallelism: Int?
        public var completions: Int?
        public var activeDeadlineSeconds: Int?
        public var backoffLimit: Int?
        public var selector: LabelSelector?
        public var manualSelector: Bool?
        public var template: PodTemplateSpec?
        public var ttlSecondsAfterFinished: Int?
        /// `NonIndexed` or `Indexed` (newer servers).
        public var completionMode: String?
        public var suspend: Bool?

        public init(template: PodTemplateSpec? = nil, completions: Int? = nil, parallelism: Int? = nil) {
            self.template = template
            self.completions = completions
            self.parallelism = parallelism
        }
    }

    public struct Status: Codable, Sendable, Equatable {
        public var conditions: [ObjectCondition]?
        public var startTime: Time?
        public var completionTime: Time?
        public var active: Int?
        public var succeeded: Int?
        public var failed: Int?

        public init() {}
    }
}
