import Kube
import Loop

/// A provider that reports resource usage: the kubelet API's `/stats/summary` and `/metrics/resource`
/// (what metrics-server and `kubectl top` read).
@LoopActor
public protocol PodStatsProvider: Provider {
    /// Usage of `node` and of each pod on it, as of now.
    func statsSummary(node: String) async throws -> StatsSummary
}

// The types below mirror the kubelet's `stats/v1alpha1` Summary JSON field by field. Optional fields
// are left out of the JSON when nil, as the kubelet omits them.

/// The kubelet's `/stats/summary` answer.
public struct StatsSummary: Codable, Sendable, Equatable {
    public var node: NodeStats
    public var pods: [PodStats]

    public init(node: NodeStats, pods: [PodStats] = []) {
        self.node = node
        self.pods = pods
    }
}

public struct NodeStats: Codable, Sendable, Equatable {
    public var nodeName: String
    public var systemContainers: [ContainerStats]?
    /// When the node booted.
    public var startTime: Time
    public var cpu: CPUStats?
    public var memory: MemoryStats?
    public var network: NetworkStats?
    public var fs: FsStats?

    public init(
        nodeName: String, systemContainers: [ContainerStats]? = nil, startTime: Time, cpu: CPUStats? = nil,
        memory: MemoryStats? = nil, network: NetworkStats? = nil, fs: FsStats? = nil
    ) {
        self.nodeName = nodeName
        self.systemContainers = systemContainers
        self.startTime = startTime
        self.cpu = cpu
        self.memory = memory
        self.network = network
        self.fs = fs
    }
}

public struct PodStats: Codable, Sendable, Equatable {
    public var podRef: PodReference
    public var startTime: Time
    public var containers: [ContainerStats]
    public var cpu: CPUStats?
    public var memory: MemoryStats?
    public var network: NetworkStats?

    public init(
        podRef: PodReference, startTime: Time, containers: [ContainerStats] = [], cpu: CPUStats? = nil,
        memory: MemoryStats? = nil, network: NetworkStats? = nil
    ) {
        self.podRef = podRef
        self.startTime = startTime
        self.containers = containers
        self.cpu = cpu
        self.memory = memory
        self.network = network
    }
}

/// Which pod a `PodStats` is about.
public struct PodReference: Codable, Sendable, Equatable {
    public var name: String
    public var namespace: String
    public var uid: String

    public init(name: String, namespace: String, uid: String) {
        self.name = name
        self.namespace = namespace
        self.uid = uid
    }
}

public struct ContainerStats: Codable, Sendable, Equatable {
    public var name: String
    public var startTime: Time
    public var cpu: CPUStats?
    public var memory: MemoryStats?
    public var rootfs: FsStats?
    public var logs: FsStats?

    public init(
        name: String, startTime: Time, cpu: CPUStats? = nil, memory: MemoryStats? = nil, rootfs: FsStats? = nil,
        logs: FsStats? = nil
    ) {
        self.name = name
        self.startTime = startTime
        self.cpu = cpu
        self.memory = memory
        self.rootfs = rootfs
        self.logs = logs
    }
}

public struct CPUStats: Codable, Sendable, Equatable {
    /// When the sample was taken.
    public var time: Time
    /// Current usage, averaged over a short window, in billionths of a core.
    public var usageNanoCores: UInt64?
    /// Cumulative CPU time since the object started, in core-nanoseconds.
    public var usageCoreNanoSeconds: UInt64?

    public init(time: Time, usageNanoCores: UInt64? = nil, usageCoreNanoSeconds: UInt64? = nil) {
        self.time = time
        self.usageNanoCores = usageNanoCores
        self.usageCoreNanoSeconds = usageCoreNanoSeconds
    }
}

public struct MemoryStats: Codable, Sendable, Equatable {
    public var time: Time
    public var availableBytes: UInt64?
    public var usageBytes: UInt64?
    /// What the eviction manager and `kubectl top` use: usage minus inactive file pages.
    public var workingSetBytes: UInt64?
    public var rssBytes: UInt64?
    public var pageFaults: UInt64?
    public var majorPageFaults: UInt64?

    public init(
        time: Time, availableBytes: UInt64? = nil, usageBytes: UInt64? = nil, workingSetBytes: UInt64? = nil,
        rssBytes: UInt64? = nil, pageFaults: UInt64? = nil, majorPageFaults: UInt64? = nil
    ) {
        self.time = time
        self.availableBytes = availableBytes
        self.usageBytes = usageBytes
        self.workingSetBytes = workingSetBytes
        self.rssBytes = rssBytes
        self.pageFaults = pageFaults
        self.majorPageFaults = majorPageFaults
    }
}

public struct FsStats: Codable, Sendable, Equatable {
    public var time: Time
    public var availableBytes: UInt64?
    public var capacityBytes: UInt64?
    public var usedBytes: UInt64?
    public var inodesFree: UInt64?
    public var inodes: UInt64?
    public var inodesUsed: UInt64?

    public init(
        time: Time, availableBytes: UInt64? = nil, capacityBytes: UInt64? = nil, usedBytes: UInt64? = nil,
        inodesFree: UInt64? = nil, inodes: UInt64? = nil, inodesUsed: UInt64? = nil
    ) {
        self.time = time
        self.availableBytes = availableBytes
        self.capacityBytes = capacityBytes
        self.usedBytes = usedBytes
        self.inodesFree = inodesFree
        self.inodes = inodes
        self.inodesUsed = inodesUsed
    }
}

/// Network usage: the default interface's counters inline, every interface in `interfaces`.
public struct NetworkStats: Codable, Sendable, Equatable {
    public var time: Time
    public var name: String?
    public var rxBytes: UInt64?
    public var rxErrors: UInt64?
    public var txBytes: UInt64?
    public var txErrors: UInt64?
    public var interfaces: [InterfaceStats]?

    public init(
        time: Time, name: String? = nil, rxBytes: UInt64? = nil, rxErrors: UInt64? = nil, txBytes: UInt64? = nil,
        txErrors: UInt64? = nil, interfaces: [InterfaceStats]? = nil
    ) {
        self.time = time
        self.name = name
        self.rxBytes = rxBytes
        self.rxErrors = rxErrors
        self.txBytes = txBytes
        self.txErrors = txErrors
        self.interfaces = interfaces
    }
}

public struct InterfaceStats: Codable, Sendable, Equatable {
    public var name: String
    public var rxBytes: UInt64?
    public var rxErrors: UInt64?
    public var txBytes: UInt64?
    public var txErrors: UInt64?

    public init(name: String, rxBytes: UInt64? = nil, rxErrors: UInt64? = nil, txBytes: UInt64? = nil, txErrors: UInt64? = nil) {
        self.name = name
        self.rxBytes = rxBytes
        self.rxErrors = rxErrors
        self.txBytes = txBytes
        self.txErrors = txErrors
    }
}
