/// `v1.Container`. Probes, lifecycle hooks and security contexts are opaque: the provider may read
/// them, but nothing here interprets them.
public struct Container: Codable, Sendable, Equatable {
    public var name: String?
    public var image: String?
    public var command: [String]?
    public var args: [String]?
    public var workingDir: String?
    public var ports: [ContainerPort]?
    public var envFrom: [JSONValue]?
    public var env: [EnvVar]?
    public var resources: ResourceRequirements?
    public var volumeMounts: [VolumeMount]?
    public var volumeDevices: [JSONValue]?
    public var livenessProbe: JSONValue?
    public var readinessProbe: JSONValue?
    public var startupProbe: JSONValue?
    public var lifecycle: JSONValue?
    public var terminationMessagePath: String?
    /// `File` or `FallbackToLogsOnError`.
    public var terminationMessagePolicy: String?
    /// `Always`, `IfNotPresent` or `Never`.
    public var imagePullPolicy: String?
    public var securityContext: JSONValue?
    public var stdin: Bool?
    public var stdinOnce: Bool?
    public var tty: Bool?

    public init(name: String? = nil, image: String? = nil, command: [String]? = nil, args: [String]? = nil) {
        self.name = name
        self.image = image
        self.command = command
        self.args = args
    }
}

/// `v1.ContainerPort`.
public struct ContainerPort: Codable, Sendable, Equatable {
    public var name: String?
    public var hostPort: Int?
    public var containerPort: Int?
    /// `TCP` (the default), `UDP` or `SCTP`.
    public var `protocol`: String?
    public var hostIP: String?

    public init(
        name: String? = nil, containerPort: Int? = nil, hostPort: Int? = nil, protocol: String? = nil,
        hostIP: String? = nil
    ) {
        self.name = name
        self.containerPort = containerPort
        self.hostPort = hostPort
        self.protocol = `protocol`
        self.hostIP = hostIP
    }
}

/// `v1.EnvVar`; `valueFrom` (field, resource, config-map or secret references) is opaque.
public struct EnvVar: Codable, Sendable, Equatable {
    public var name: String?
    public var value: String?
    public var valueFrom: JSONValue?

    public init(name: String? = nil, value: String? = nil, valueFrom: JSONValue? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }
}

/// `v1.ResourceRequirements`, keyed by resource name (`cpu`, `memory`, `ephemeral-storage`, …).
public struct ResourceRequirements: Codable, Sendable, Equatable {
    public var limits: [String: Quantity]?
    public var requests: [String: Quantity]?

    public init(limits: [String: Quantity]? = nil, requests: [String: Quantity]? = nil) {
        self.limits = limits
        self.requests = requests
    }
}

/// `v1.VolumeMount`.
public struct VolumeMount: Codable, Sendable, Equatable {
    public var name: String?
    public var readOnly: Bool?
    public var mountPath: String?
    public var subPath: String?
    public var mountPropagation: String?
    public var subPathExpr: String?

    public init(name: String? = nil, mountPath: String? = nil, readOnly: Bool? = nil, subPath: String? = nil) {
        self.name = name
        self.mountPath = mountPath
        self.readOnly = readOnly
        self.subPath = subPath
    }
}

/// `v1.Volume`: a name and one source. The sources a node agent acts on are typed; every other
/// source (`projected`, `csi`, `nfs`, …) is kept in `otherSources` under its JSON key, so an
/// unknown source survives a decode/encode round trip and is still detectable.
public struct Volume: Codable, Sendable, Equatable {
    public var name: String?
    public var hostPath: HostPathVolumeSource?
    public var emptyDir: EmptyDirVolumeSource?
    public var secret: SecretVolumeSource?
    public var configMap: ConfigMapVolumeSource?
    public var persistentVolumeClaim: PersistentVolumeClaimVolumeSource?
    /// Every other key of the volume object, in wire order.
    public var otherSources: JSONObject

    public init(
        name: String? = nil, hostPath: HostPathVolumeSource? = nil, emptyDir: EmptyDirVolumeSource? = nil,
        secret: SecretVolumeSource? = nil, configMap: ConfigMapVolumeSource? = nil,
        persistentVolumeClaim: PersistentVolumeClaimVolumeSource? = nil, otherSources: JSONObject = JSONObject()
    ) {
        self.name = name
        self.hostPath = hostPath
        self.emptyDir = emptyDir
        self.secret = secret
        self.configMap = configMap
        self.persistentVolumeClaim = persistentVolumeClaim
        self.otherSources = otherSources
    }

    /// Any JSON key: the set of volume sources is open-ended.
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static let typedKeys: Set<String> = [
        "name", "hostPath", "emptyDir", "secret", "configMap", "persistentVolumeClaim",
    ]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        name = try container.decodeIfPresent(String.self, forKey: Key("name"))
        hostPath = try container.decodeIfPresent(HostPathVolumeSource.self, forKey: Key("hostPath"))
        emptyDir = try container.decodeIfPresent(EmptyDirVolumeSource.self, forKey: Key("emptyDir"))
        secret = try container.decodeIfPresent(SecretVolumeSource.self, forKey: Key("secret"))
        configMap = try container.decodeIfPresent(ConfigMapVolumeSource.self, forKey: Key("configMap"))
        persistentVolumeClaim = try container.decodeIfPresent(
            PersistentVolumeClaimVolumeSource.self, forKey: Key("persistentVolumeClaim"))
        otherSources = JSONObject()
        for key in container.allKeys where !Self.typedKeys.contains(key.stringValue) {
            otherSources[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(name, forKey: Key("name"))
        try container.encodeIfPresent(hostPath, forKey: Key("hostPath"))
        try container.encodeIfPresent(emptyDir, forKey: Key("emptyDir"))
        try container.encodeIfPresent(secret, forKey: Key("secret"))
        try container.encodeIfPresent(configMap, forKey: Key("configMap"))
        try container.encodeIfPresent(persistentVolumeClaim, forKey: Key("persistentVolumeClaim"))
        for (key, value) in otherSources where !Self.typedKeys.contains(key) {
            try container.encode(value, forKey: Key(key))
        }
    }
}

/// `v1.HostPathVolumeSource`.
public struct HostPathVolumeSource: Codable, Sendable, Equatable {
    public var path: String?
    /// `""`, `DirectoryOrCreate`, `Directory`, `FileOrCreate`, `File`, `Socket`, `CharDevice`, `BlockDevice`.
    public var type: String?

    public init(path: String? = nil, type: String? = nil) {
        self.path = path
        self.type = type
    }
}

/// `v1.EmptyDirVolumeSource`.
public struct EmptyDirVolumeSource: Codable, Sendable, Equatable {
    /// `""` (node disk) or `Memory`.
    public var medium: String?
    public var sizeLimit: Quantity?

    public init(medium: String? = nil, sizeLimit: Quantity? = nil) {
        self.medium = medium
        self.sizeLimit = sizeLimit
    }
}

/// `v1.KeyToPath`: project one key of a secret or config map to a file.
public struct KeyToPath: Codable, Sendable, Equatable {
    public var key: String?
    public var path: String?
    public var mode: Int?

    public init(key: String? = nil, path: String? = nil, mode: Int? = nil) {
        self.key = key
        self.path = path
        self.mode = mode
    }
}

/// `v1.SecretVolumeSource`.
public struct SecretVolumeSource: Codable, Sendable, Equatable {
    public var secretName: String?
    public var items: [KeyToPath]?
    /// File mode bits; JSON carries them in decimal (0644 is 420).
    public var defaultMode: Int?
    public var optional: Bool?

    public init(secretName: String? = nil, items: [KeyToPath]? = nil, defaultMode: Int? = nil, optional: Bool? = nil) {
        self.secretName = secretName
        self.items = items
        self.defaultMode = defaultMode
        self.optional = optional
    }
}

/// `v1.ConfigMapVolumeSource`.
public struct ConfigMapVolumeSource: Codable, Sendable, Equatable {
    public var name: String?
    public var items: [KeyToPath]?
    public var defaultMode: Int?
    public var optional: Bool?

    public init(name: String? = nil, items: [KeyToPath]? = nil, defaultMode: Int? = nil, optional: Bool? = nil) {
        self.name = name
        self.items = items
        self.defaultMode = defaultMode
        self.optional = optional
    }
}

/// `v1.PersistentVolumeClaimVolumeSource`.
public struct PersistentVolumeClaimVolumeSource: Codable, Sendable, Equatable {
    public var claimName: String?
    public var readOnly: Bool?

    public init(claimName: String? = nil, readOnly: Bool? = nil) {
        self.claimName = claimName
        self.readOnly = readOnly
    }
}
