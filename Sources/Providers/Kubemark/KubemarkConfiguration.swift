import Kube

/// `--provider-config` for `kubemark` (YAML or JSON), with the field names of the kubemark machine
/// actuator's `KubemarkMachineProviderConfig`, so its files load as they are. Every field is optional.
/// See `providers/kubemark-flapping.yaml` and `providers/kubemark-after.yaml`.
public struct KubemarkConfiguration: Decodable, Sendable, Equatable {
    /// Ready for the healthy time (`healthyDuration`, else `unhealthyDuration`), then NotReady for good.
    public var turnUnhealthyAfter = false
    /// Ready for `healthyDuration`, NotReady for `unhealthyDuration`, over and over.
    public var turnUnhealthyPeriodically = false
    public var healthyDuration: Duration?
    public var unhealthyDuration: Duration?
    /// Node i (in the order the agent registers them) starts its flapping clock i × this later.
    public var nodeOffset: Duration = .zero
    /// Each node's `cpu` capacity.
    public var numCores = 1
    /// Each node's `memory` capacity in bytes (a quantity such as `4Gi` is read too).
    public var memoryCapacity: Int64 = 4_026_531_840
    /// Each node's `pods` capacity.
    public var maxPods = 110
    /// How the pods live.
    public var pods = PodLifecycleConfiguration()

    public init() {}

    static let fields = [
        "turnUnhealthyAfter", "turnUnhealthyPeriodically", "healthyDuration", "unhealthyDuration", "nodeOffset", "numCores",
        "memoryCapacity", "maxPods", "pods",
    ]
    /// The actuator's fields that mean nothing here: the machine's API type, its kubemark image, and how
    /// long the machine controller waits before deleting a machine's node.
    static let ignored = ["apiVersion", "kind", "image", "deletionTimeout"]

    public init(from decoder: any Decoder) throws {
        let fields = try ConfigFields(decoder, known: Self.fields, ignored: Self.ignored)
        turnUnhealthyAfter = try fields.value(Bool.self, "turnUnhealthyAfter") ?? false
        turnUnhealthyPeriodically = try fields.value(Bool.self, "turnUnhealthyPeriodically") ?? false
        healthyDuration = try fields.duration("healthyDuration")
        unhealthyDuration = try fields.duration("unhealthyDuration")
        nodeOffset = try fields.duration("nodeOffset") ?? .zero
        numCores = try fields.integer("numCores", in: 1...Int.max) ?? numCores
        if let memory = try fields.value(Quantity.self, "memoryCapacity") {
            guard memory.sign > 0 else { throw fields.error("memoryCapacity", "must be a positive number of bytes, got \(memory)") }
            memoryCapacity = memory.value
        }
        maxPods = try fields.integer("maxPods", in: 0...Int.max) ?? maxPods
        pods = try fields.value(PodLifecycleConfiguration.self, "pods") ?? pods
        if turnUnhealthyAfter {
            guard healthyDuration != nil || unhealthyDuration != nil else {
                throw fields.error("turnUnhealthyAfter", "needs healthyDuration (or unhealthyDuration): how long the node stays Ready")
            }
        } else if turnUnhealthyPeriodically {
            for (name, duration) in [("healthyDuration", healthyDuration), ("unhealthyDuration", unhealthyDuration)] {
                guard let duration else { throw fields.error("turnUnhealthyPeriodically", "needs both healthyDuration and unhealthyDuration") }
                guard duration > .zero else { throw fields.error(name, "must be longer than 0s with turnUnhealthyPeriodically") }
            }
        }
    }

    /// When each node is healthy. `turnUnhealthyAfter` wins over `turnUnhealthyPeriodically`; it keeps
    /// the node Ready for `healthyDuration`, or when only `unhealthyDuration` is given for that long — how
    /// the actuator's example "unhealthyDuration: 40s, turnUnhealthyAfter: true" means "NotReady 40 s after
    /// the kubelet starts, for good".
    public var healthSchedule: HealthSchedule {
        if turnUnhealthyAfter, let healthy = healthyDuration ?? unhealthyDuration { return HealthSchedule(.unhealthyAfter(healthy)) }
        if turnUnhealthyPeriodically, let healthy = healthyDuration, let unhealthy = unhealthyDuration, healthy > .zero, unhealthy > .zero {
            return HealthSchedule(.periodic(healthy: healthy, unhealthy: unhealthy))
        }
        return HealthSchedule(.alwaysHealthy)
    }

    /// Reads a config file; the error is one line naming the file and the field.
    public static func load(path: String) throws(ProviderConfigError) -> KubemarkConfiguration {
        try ConfigFields.load(KubemarkConfiguration.self, path: path, empty: KubemarkConfiguration())
    }
}
