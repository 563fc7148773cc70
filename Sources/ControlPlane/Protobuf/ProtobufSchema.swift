/// What a protobuf field holds and how its value is written in JSON.
indirect enum ProtobufFieldType: Sendable {
    case string
    /// `[]byte`: a base64 string in JSON.
    case bytes
    case bool
    /// Varints; JSON integers. int32 values are truncated to 32 bits as Go does.
    case int32
    case int64
    case double
    /// A nested message, by its name in `ProtobufSchemas.messages`.
    case message(String)
    /// A Go struct embedded with `json:",inline"`: its fields appear in the parent's JSON object.
    case inline(String)
    /// Any number of occurrences (or one packed run, for numbers and bools) make a JSON array.
    case repeated(ProtobufFieldType)
    /// `map<string, V>`: repeated entries with key = 1 and value = 2; a JSON object.
    case map(ProtobufFieldType)
    /// metav1.Time (seconds = 1, nanos = 2): RFC 3339 to the second; an empty message is null.
    case time
    /// metav1.MicroTime: RFC 3339 with six fractional digits; an empty message is null.
    case microTime
    /// metav1.Duration (duration = 1, nanoseconds): Go's `time.Duration` string ("1h2m3s").
    case duration
    /// resource.Quantity (string = 1): a JSON string.
    case quantity
    /// intstr.IntOrString (type = 1, intVal = 2, strVal = 3): a JSON integer or string.
    case intOrString
    /// metav1.FieldsV1 (raw = 1): JSON text embedded as is.
    case rawJSON
}

/// One field of a message: its number on the wire, its JSON name and type.
struct ProtobufField: Sendable {
    /// Whether a zero value (empty string, 0, false) present on the wire reaches the JSON.
    enum Zero: Sendable {
        /// A plain Go field tagged `omitempty`: Kubernetes' protobuf marshalling writes it even
        /// when zero, Go's JSON leaves it out, and so do we.
        case omitted
        /// A pointer field (only on the wire when set, so a zero is meaningful) or a field
        /// without `omitempty`: written whatever its value.
        case kept
    }

    let number: Int
    let name: String
    let type: ProtobufFieldType
    let zero: Zero

    init(_ number: Int, _ name: String, _ type: ProtobufFieldType, _ zero: Zero = .omitted) {
        self.number = number
        self.name = name
        self.type = type
        self.zero = zero
    }
}

/// A message's fields in declaration order, which is Go's struct order and so its JSON order.
struct ProtobufMessage: Sendable, ExpressibleByArrayLiteral {
    let fields: [ProtobufField]
    private let indexByNumber: [Int: Int]

    init(_ fields: [ProtobufField]) {
        self.fields = fields
        var index: [Int: Int] = [:]
        for (position, field) in fields.enumerated() where index[field.number] == nil { index[field.number] = position }
        indexByNumber = index
    }

    init(arrayLiteral fields: ProtobufField...) { self.init(fields) }

    /// The position in `fields` of the field numbered `number`, nil for unknown fields.
    func position(of number: Int) -> Int? { indexByNumber[number] }
}

/// The schemas the decoder knows: messages by name (one namespace: where two API groups share
/// a message name the shapes are identical) and the top-level kinds.
enum ProtobufSchemas {
    typealias F = ProtobufField

    /// Every message, from the per-group tables.
    static let messages: [String: ProtobufMessage] = {
        var all: [String: ProtobufMessage] = [:]
        for table in groups { all.merge(table) { first, _ in first } }
        return all
    }()

    /// The per-group tables; a name defined twice keeps its first definition (a test checks there
    /// are none).
    static let groups: [[String: ProtobufMessage]] = [
        meta, core, corePod, coreContainers, coreVolumes, coreStatus, apps, batch, policy, authorization,
    ]

    /// The message of a top-level object, by "apiVersion/Kind" ("apps/v1/Deployment").
    static let kinds: [String: String] = {
        var kinds: [String: String] = [:]
        let byVersion: [(String, [String])] = [
            ("v1", [
                "Binding", "ConfigMap", "Namespace", "PersistentVolumeClaim", "Pod", "PodTemplate", "Secret", "Service",
                "ServiceAccount",
            ]),
            ("apps/v1", ["DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"]),
            ("batch/v1", ["CronJob", "Job"]),
            ("batch/v1beta1", ["CronJob"]),
            ("policy/v1", ["Eviction", "PodDisruptionBudget"]),
            ("policy/v1beta1", ["Eviction", "PodDisruptionBudget"]),
            ("autoscaling/v1", ["Scale"]),
            ("authorization.k8s.io/v1", ["SelfSubjectAccessReview"]),
        ]
        for (version, names) in byVersion {
            for name in names { kinds["\(version)/\(name)"] = name }
        }
        return kinds
    }()

    /// The message for an object of `kind` in `apiVersion`. DeleteOptions is the same message in
    /// every group version it is sent in.
    static func message(apiVersion: String, kind: String) -> String? {
        if kind == "DeleteOptions" { return "DeleteOptions" }
        return kinds["\(apiVersion)/\(kind)"]
    }

    /// type, status, lastProbeTime, lastTransitionTime, reason, message: the conditions of pods,
    /// jobs and claims share one layout.
    static let probedCondition: ProtobufMessage = [
        F(1, "type", .string, .kept),
        F(2, "status", .string, .kept),
        F(3, "lastProbeTime", .time),
        F(4, "lastTransitionTime", .time),
        F(5, "reason", .string),
        F(6, "message", .string),
    ]

    /// metadata = 1, spec = 2, status = 3: the shape of most top-level objects.
    static func object(spec: String, status: String) -> ProtobufMessage {
        [F(1, "metadata", .message("ObjectMeta")), F(2, "spec", .message(spec)), F(3, "status", .message(status))]
    }
}
