import Kube

/// `/metrics/resource`: a stats summary in the Prometheus text format, under the kubelet's metric names
/// (what metrics-server scrapes). Each sample carries the time of its measurement, in milliseconds.
enum ResourceMetrics {
    private struct Family {
        var name: String
        var help: String
        var type: String
        var samples: [String] = []

        mutating func add(_ labels: [(String, String)], _ value: Double, at time: Time? = nil) {
            let pairs = labels.map { "\($0.0)=\"\(MetricsRegistry.Family.escapeLabel($0.1))\"" }
            var line = name + (pairs.isEmpty ? "" : "{" + pairs.joined(separator: ",") + "}")
            line += " " + MetricsRegistry.Family.number(value)
            if let time { line += " \(time.unixMilliseconds)" }
            samples.append(line)
        }
    }

    /// Families with no samples are left out; `scrape_error` is always there (1 when `summary` is nil).
    static func render(_ summary: StatsSummary?) -> String {
        var containerCPU = Family(
            name: "container_cpu_usage_seconds_total", help: "CPU time the container has used, in core-seconds.",
            type: "counter")
        var containerMemory = Family(
            name: "container_memory_working_set_bytes", help: "The container's working set, in bytes.", type: "gauge")
        var containerStart = Family(
            name: "container_start_time_seconds", help: "When the container started, in seconds since the Unix epoch.",
            type: "gauge")
        var nodeCPU = Family(
            name: "node_cpu_usage_seconds_total", help: "CPU time the node has used, in core-seconds.", type: "counter")
        var nodeMemory = Family(
            name: "node_memory_working_set_bytes", help: "The node's working set, in bytes.", type: "gauge")
        var podCPU = Family(
            name: "pod_cpu_usage_seconds_total", help: "CPU time the pod has used, in core-seconds.", type: "counter")
        var podMemory = Family(
            name: "pod_memory_working_set_bytes", help: "The pod's working set, in bytes.", type: "gauge")
        var scrapeError = Family(
            name: "scrape_error", help: "1 when the provider could not report usage, else 0.", type: "gauge")
        scrapeError.add([], summary == nil ? 1 : 0)

        if let summary {
            add(summary.node.cpu, summary.node.memory, labels: [], cpu: &nodeCPU, memory: &nodeMemory)
            let pods = summary.pods.sorted { ($0.podRef.namespace, $0.podRef.name) < ($1.podRef.namespace, $1.podRef.name) }
            for pod in pods {
                let podLabels = [("namespace", pod.podRef.namespace), ("pod", pod.podRef.name)]
                add(pod.cpu, pod.memory, labels: podLabels, cpu: &podCPU, memory: &podMemory)
                for container in pod.containers.sorted(by: { $0.name < $1.name }) {
                    let labels = [("container", container.name)] + podLabels
                    add(container.cpu, container.memory, labels: labels, cpu: &containerCPU, memory: &containerMemory)
                    containerStart.add(labels, container.startTime.unixSeconds, at: container.cpu?.time)
                }
            }
        }
        var text = ""
        for family in [containerCPU, containerMemory, containerStart, nodeCPU, nodeMemory, podCPU, podMemory, scrapeError]
        where !family.samples.isEmpty {
            text += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) \(family.type)\n"
            for sample in family.samples { text += sample + "\n" }
        }
        return text
    }

    private static func add(
        _ cpu: CPUStats?, _ memory: MemoryStats?, labels: [(String, String)], cpu cpuFamily: inout Family,
        memory memoryFamily: inout Family
    ) {
        if let cpu, let used = cpu.usageCoreNanoSeconds {
            cpuFamily.add(labels, Double(used) / 1e9, at: cpu.time)
        }
        if let memory, let workingSet = memory.workingSetBytes {
            memoryFamily.add(labels, Double(workingSet), at: memory.time)
        }
    }
}

extension Time {
    var unixSeconds: Double { Double(seconds) + Double(nanoseconds) / 1e9 }
    var unixMilliseconds: Int64 { seconds * 1000 + Int64(nanoseconds) / 1_000_000 }
}
