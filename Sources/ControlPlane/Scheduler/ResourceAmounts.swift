import Kube

/// Resource amounts in kube-scheduler's integer units: cpu in millicores, every other resource in
/// whole units (bytes, devices), each quantity rounded up as Kubernetes' `MilliValue()`/`Value()` do.
///
/// Sums use wrapping arithmetic, as Go's int64 does: an absurd request cannot crash the scheduler,
/// and adding then subtracting a pod always restores the previous totals exactly.
public struct ResourceAmounts: Sendable, Equatable {
    public var milliCPU: Int64
    public var memory: Int64
    public var ephemeralStorage: Int64
    /// Extended resources (`example.com/gpu`), `hugepages-*` and `attachable-volumes-*`, by name.
    public var scalar: [String: Int64]

    public init(milliCPU: Int64 = 0, memory: Int64 = 0, ephemeralStorage: Int64 = 0, scalar: [String: Int64] = [:]) {
        self.milliCPU = milliCPU
        self.memory = memory
        self.ephemeralStorage = ephemeralStorage
        self.scalar = scalar
    }

    /// A resource list (container requests, `spec.overhead`, a node's allocatable) in these units.
    /// `pods` and names that are neither native nor scalar resources are not amounts: they are skipped.
    public init(_ list: [String: Quantity]?) {
        self.init()
        add(list)
    }

    /// Nothing requested at all: kube-scheduler then checks only the pod count. A scalar resource
    /// listed with a zero amount still counts as requested, as in Kubernetes.
    public var isEmpty: Bool { milliCPU == 0 && memory == 0 && ephemeralStorage == 0 && scalar.isEmpty }

    /// Kubernetes' `Resource.Add`.
    public mutating func add(_ list: [String: Quantity]?) {
        guard let list else { return }
        for (name, quantity) in list {
            switch name {
            case "cpu": milliCPU = milliCPU &+ quantity.milliValue
            case "memory": memory = memory &+ quantity.value
            case "ephemeral-storage": ephemeralStorage = ephemeralStorage &+ quantity.value
            default:
                if Self.isScalar(name) { scalar[name, default: 0] = scalar[name, default: 0] &+ quantity.value }
            }
        }
    }

    /// Kubernetes' `Resource.SetMaxResource`: each listed resource becomes the larger of the two.
    /// (A scalar resource is only set when the new amount is larger than what is there, zero if absent.)
    public mutating func formMaximum(_ list: [String: Quantity]?) {
        guard let list else { return }
        for (name, quantity) in list {
            switch name {
            case "cpu": milliCPU = max(milliCPU, quantity.milliValue)
            case "memory": memory = max(memory, quantity.value)
            case "ephemeral-storage": ephemeralStorage = max(ephemeralStorage, quantity.value)
            default:
                let value = quantity.value
                if Self.isScalar(name), value > scalar[name, default: 0] { scalar[name] = value }
            }
        }
    }

    public mutating func add(_ other: ResourceAmounts) {
        milliCPU = milliCPU &+ other.milliCPU
        memory = memory &+ other.memory
        ephemeralStorage = ephemeralStorage &+ other.ephemeralStorage
        for (name, value) in other.scalar { scalar[name, default: 0] = scalar[name, default: 0] &+ value }
    }

    /// The inverse of `add(_:)`; a scalar total that returns to zero is dropped.
    public mutating func subtract(_ other: ResourceAmounts) {
        milliCPU = milliCPU &- other.milliCPU
        memory = memory &- other.memory
        ephemeralStorage = ephemeralStorage &- other.ephemeralStorage
        for (name, value) in other.scalar {
            let remaining = scalar[name, default: 0] &- value
            scalar[name] = remaining == 0 ? nil : remaining
        }
    }

    /// Kubernetes' `IsScalarResourceName`: an extended resource (a name with a domain, other than a
    /// `requests.` quota name), a `kubernetes.io/` native one, huge pages, or attachable volumes.
    public static func isScalar(_ name: String) -> Bool {
        if name.hasPrefix("hugepages-") || name.hasPrefix("attachable-volumes-") { return true }
        return name.utf8.contains(UInt8(ascii: "/")) && !name.hasPrefix("requests.")
    }
}

/// What one pod asks of a node, counted as kube-scheduler 1.19 counts it: per resource, the larger
/// of the sum over the containers and each init container, plus `spec.overhead`.
public struct PodRequest: Sendable, Equatable {
    /// kube-scheduler's default cpu request for scoring a container that names none: 100m.
    public static let defaultMilliCPU: Int64 = 100
    /// kube-scheduler's default memory request for scoring a container that names none: 200Mi.
    public static let defaultMemory: Int64 = 200 * 1024 * 1024

    /// For the fit check (NodeResourcesFit): a container without requests counts 0.
    public var resources: ResourceAmounts
    /// For scoring: a container without a cpu request counts `defaultMilliCPU` (an explicit 0 stays 0).
    public var nonZeroMilliCPU: Int64
    /// For scoring: a container without a memory request counts `defaultMemory`.
    public var nonZeroMemory: Int64
    /// The cpu of `spec.overhead` in millicores and in whole cores (see `incomingNonZeroMilliCPU`).
    var overheadCPU: (milli: Int64, whole: Int64)

    public init(_ spec: PodSpec?) {
        resources = ResourceAmounts()
        nonZeroMilliCPU = 0
        nonZeroMemory = 0
        overheadCPU = (0, 0)
        for container in spec?.containers ?? [] {
            let requests = container.resources?.requests
            resources.add(requests)
            nonZeroMilliCPU = nonZeroMilliCPU &+ Self.nonZeroMilliCPU(requests)
            nonZeroMemory = nonZeroMemory &+ Self.nonZeroMemory(requests)
        }
        for container in spec?.initContainers ?? [] {
            let requests = container.resources?.requests
            resources.formMaximum(requests)
            nonZeroMilliCPU = max(nonZeroMilliCPU, Self.nonZeroMilliCPU(requests))
            nonZeroMemory = max(nonZeroMemory, Self.nonZeroMemory(requests))
        }
        if let overhead = spec?.overhead {
            resources.add(overhead)
            if let cpu = overhead["cpu"] {
                overheadCPU = (cpu.milliValue, cpu.value)
                nonZeroMilliCPU = nonZeroMilliCPU &+ cpu.milliValue
            }
            if let memory = overhead["memory"] { nonZeroMemory = nonZeroMemory &+ memory.value }
        }
    }

    /// The cpu kube-scheduler 1.19's resource scorers add for the pod *being scheduled*: like
    /// `nonZeroMilliCPU`, except that its `calculatePodResourceRequest` adds the overhead's `Value()`
    /// (whole cores, rounded up) where `NodeInfo` adds its `MilliValue()`. Kept for fidelity.
    var incomingNonZeroMilliCPU: Int64 {
        nonZeroMilliCPU &- overheadCPU.milli &+ overheadCPU.whole
    }

    public static func == (a: PodRequest, b: PodRequest) -> Bool {
        a.resources == b.resources && a.nonZeroMilliCPU == b.nonZeroMilliCPU && a.nonZeroMemory == b.nonZeroMemory
            && a.overheadCPU == b.overheadCPU
    }

    private static func nonZeroMilliCPU(_ requests: [String: Quantity]?) -> Int64 {
        guard let cpu = requests?["cpu"] else { return defaultMilliCPU }
        return cpu.milliValue
    }

    private static func nonZeroMemory(_ requests: [String: Quantity]?) -> Int64 {
        guard let memory = requests?["memory"] else { return defaultMemory }
        return memory.value
    }
}
