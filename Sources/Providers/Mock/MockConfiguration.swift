import Kube

/// `--provider-config` for `mock` (YAML or JSON); every field is optional. See `providers/mock.yaml`.
public struct MockConfiguration: Decodable, Sendable, Equatable {
    /// Every node's capacity (and allocatable); the defaults are cpu 20, memory 100Gi, pods 110.
    public var capacity: [String: Quantity]
    /// Extra labels on every node.
    public var labels: [String: String]
    /// `node.kubernetes.io/instance-type`.
    public var instanceType: String?
    /// How many lines each container's log has.
    public var logLines: Int

    public static let defaultCapacity: [String: Quantity] = ["cpu": "20", "memory": "100Gi", "pods": "110"]

    public init(
        capacity: [String: Quantity] = MockConfiguration.defaultCapacity, labels: [String: String] = [:],
        instanceType: String? = nil, logLines: Int = 5
    ) {
        self.capacity = capacity
        self.labels = labels
        self.instanceType = instanceType
        self.logLines = logLines
    }

    private enum CodingKeys: String, CodingKey { case capacity, labels, instanceType, logLines }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let given = try container.decodeIfPresent([String: Quantity].self, forKey: .capacity) ?? [:]
        // Resources the file names replace the defaults one by one.
        capacity = Self.defaultCapacity.merging(given) { _, new in new }
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        instanceType = try container.decodeIfPresent(String.self, forKey: .instanceType)
        logLines = try container.decodeIfPresent(Int.self, forKey: .logLines) ?? 5
        guard logLines >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .logLines, in: container, debugDescription: "must not be negative")
        }
    }

    /// Reads a config file; the error is one line naming the file and the field.
    public static func load(path: String) throws(ProviderConfigError) -> MockConfiguration {
        try ConfigFields.load(MockConfiguration.self, path: path, empty: MockConfiguration())
    }
}
