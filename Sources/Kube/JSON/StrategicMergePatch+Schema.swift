/// What the `patchStrategy`/`patchMergeKey` struct tags of k8s.io/api say about one field: how a
/// list there merges, and the schemas of the fields below it (for a list of objects: the fields
/// of each element). Fields not described merge as maps (objects) or are replaced (lists, scalars).
struct PatchSchema: Sendable {
    enum List: Sendable, Equatable {
        /// No patch strategy: the patch's list replaces the whole list.
        case replace
        /// `patchStrategy:"merge" patchMergeKey:"<key>"`: objects matched by `key` merge.
        case merge(key: String)
        /// `patchStrategy:"merge"` on a list of primitives: a set union.
        case set
    }

    var list: List = .replace
    var fields: [String: PatchSchema] = [:]

    static let none = PatchSchema()
    static let set = PatchSchema(list: .set)
    static func object(_ fields: [String: PatchSchema]) -> Self { PatchSchema(fields: fields) }
    static func merge(_ key: String, _ fields: [String: PatchSchema] = [:]) -> Self { PatchSchema(list: .merge(key: key), fields: fields) }
}

extension PatchSchema {
    static let objectMeta = object(["ownerReferences": merge("uid"), "finalizers": set])

    static let container = merge(
        "name",
        [
            "ports": merge("containerPort"), "env": merge("name"),
            "volumeMounts": merge("mountPath"), "volumeDevices": merge("devicePath"),
        ])

    /// PodSpec. `tolerations`, `readinessGates` and the others without tags are replaced whole.
    static let podSpec = object([
        "containers": container, "initContainers": container, "ephemeralContainers": container,
        "volumes": merge("name"), "imagePullSecrets": merge("name"), "hostAliases": merge("ip"),
        "topologySpreadConstraints": merge("topologyKey"),
    ])

    static let podTemplateSpec = object(["metadata": objectMeta, "spec": podSpec])

    /// `status.conditions` merged by `type`, as on nearly every kind with conditions.
    static let conditionsStatus = object(["conditions": merge("type")])

    /// A kind with the shared metadata and the given top-level fields.
    static func kind(_ fields: [String: PatchSchema] = [:]) -> Self {
        object(fields.merging(["metadata": objectMeta]) { own, _ in own })
    }

    static let workload = kind(["spec": object(["template": podTemplateSpec]), "status": conditionsStatus])

    static let byKind: [String: PatchSchema] = [
        "Pod": kind([
            "spec": podSpec,
            "status": object(["conditions": merge("type"), "podIPs": merge("ip")]),
        ]),
        // `spec.taints` has no strategy: an SMP replaces the whole list (fixture 02-nodes-08).
        "Node": kind([
            "spec": object(["podCIDRs": set]),
            "status": object(["conditions": merge("type"), "addresses": merge("type")]),
        ]),
        "Service": kind(["spec": object(["ports": merge("port")]), "status": conditionsStatus]),
        "Deployment": workload, "ReplicaSet": workload, "StatefulSet": workload, "DaemonSet": workload,
        "Job": workload, "ReplicationController": workload,
        "CronJob": kind(["spec": object(["jobTemplate": object(["metadata": objectMeta, "spec": object(["template": podTemplateSpec])])])]),
        "PodTemplate": kind(["template": podTemplateSpec]),
        "Namespace": kind(["spec": object(["finalizers": set]), "status": conditionsStatus]),
        "PersistentVolumeClaim": kind(["status": conditionsStatus]),
        "ServiceAccount": kind(["secrets": merge("name")]),
        "Event": kind(), "ConfigMap": kind(), "Secret": kind(), "Endpoints": kind(), "Lease": kind(),
    ]
}
