import Kube
import NodeAgent

/// Simulated usage for `/stats/summary` and `/metrics/resource`: each running container uses exactly
/// what it requests (`defaultCPU`/`defaultMemory` when it requests nothing), steadily since it started,
/// so the figures follow from the pods and the clock alone. A node uses its pods' sum plus a base.
enum SimulatedUsage {
    /// What a container that requests nothing uses.
    static let defaultCPU: Quantity = "10m"
    static let defaultMemory: Quantity = "16Mi"
    /// What a node uses besides its pods (the system, the runtime).
    static let nodeBaseCPU: Quantity = "100m"
    static let nodeBaseMemory: Quantity = "128Mi"

    /// The summary of `node` running `pods` (with their statuses), booted at `startTime`.
    static func summary(node: String, pods: [Pod], startTime: Time, memoryCapacity: Int64?, at time: Time) -> StatsSummary {
        let pods = pods.compactMap { stats(of: $0, at: time) }
        let base = Usage(cpu: nodeBaseCPU, memory: nodeBaseMemory)
        let cpu = CPUStats(
            time: time, usageNanoCores: pods.reduce(base.nanoCores) { $0 + ($1.cpu?.usageNanoCores ?? 0) },
            usageCoreNanoSeconds: pods.reduce(base.cpuTime(since: startTime, at: time)) {
                $0 + ($1.cpu?.usageCoreNanoSeconds ?? 0)
            })
        let workingSet = pods.reduce(base.memoryBytes) { $0 + ($1.memory?.workingSetBytes ?? 0) }
        var memory = Usage.memory(workingSet, at: time)
        if let capacity = memoryCapacity, capacity > 0 {
            memory.availableBytes = UInt64(capacity) > workingSet ? UInt64(capacity) - workingSet : 0
        }
        return StatsSummary(node: NodeStats(nodeName: node, startTime: startTime, cpu: cpu, memory: memory), pods: pods)
    }

    /// A pod's usage, from its running containers; nil when none runs (nothing of it is on the node).
    private static func stats(of pod: Pod, at time: Time) -> PodStats? {
        let podStart = pod.status?.startTime ?? time
        let containers = (pod.spec?.containers ?? []).compactMap { container -> ContainerStats? in
            let status = pod.status?.containerStatuses?.first { $0.name == container.name }
            guard let running = status?.state?.running else { return nil }
            let started = running.startedAt ?? podStart
            let requests = container.resources?.requests
            let usage = Usage(cpu: requests?["cpu"] ?? defaultCPU, memory: requests?["memory"] ?? defaultMemory)
            return ContainerStats(
                name: container.name ?? "", startTime: started,
                cpu: CPUStats(time: time, usageNanoCores: usage.nanoCores, usageCoreNanoSeconds: usage.cpuTime(since: started, at: time)),
                memory: Usage.memory(usage.memoryBytes, at: time))
        }
        guard !containers.isEmpty else { return nil }
        let reference = PodReference(
            name: pod.metadata.name ?? "", namespace: pod.metadata.namespace ?? "default", uid: pod.metadata.uid ?? "")
        let cpu = CPUStats(
            time: time, usageNanoCores: containers.reduce(0) { $0 + ($1.cpu?.usageNanoCores ?? 0) },
            usageCoreNanoSeconds: containers.reduce(0) { $0 + ($1.cpu?.usageCoreNanoSeconds ?? 0) })
        let workingSet = containers.reduce(0) { $0 + ($1.memory?.workingSetBytes ?? 0) }
        return PodStats(
            podRef: reference, startTime: podStart, containers: containers, cpu: cpu, memory: Usage.memory(workingSet, at: time))
    }
}

/// A steady rate of CPU and a fixed amount of memory.
private struct Usage {
    var nanoCores: UInt64
    var memoryBytes: UInt64

    init(cpu: Quantity, memory: Quantity) {
        nanoCores = UInt64(max(cpu.scaledValue(scale: -9), 0))
        memoryBytes = UInt64(max(memory.value, 0))
    }

    /// Core-nanoseconds used at this rate from `start` to `time`.
    func cpuTime(since start: Time, at time: Time) -> UInt64 {
        let elapsed = (time - start).seconds
        guard elapsed >= 0 else { return 0 }
        return UInt64(min(Double(nanoCores) * elapsed, Double(UInt64.max / 2)).rounded())
    }

    /// All of it resident and in the working set; nothing simulated ever faults.
    static func memory(_ bytes: UInt64, at time: Time) -> MemoryStats {
        MemoryStats(time: time, usageBytes: bytes, workingSetBytes: bytes, rssBytes: bytes, pageFaults: 0, majorPageFaults: 0)
    }
}
