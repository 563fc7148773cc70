import Foundation
import Kube

// `node-agent-bench pod-memory [--pods N]`: the memory one decoded pod holds, decoded the way the
// agent's informer decodes watch events, and what a keyed store adds. Each pod has its own name,
// uid and container ID, as in a cluster; the rest is the sample pod of `codec`.

func podMemoryBench(_ options: [String: String]) {
    let count = integer(options, "pods", default: 20_000)
    let documents = (0..<count).map { index in
        Array(
            podJSON.replacingOccurrences(of: "\"bench-1\"", with: "\"bench-\(index)\"")
                .replacingOccurrences(of: "335a1ee4bb18", with: String(format: "%012x", index))
                .replacingOccurrences(of: "containerd://4b1f0a5e", with: "containerd://\(String(format: "%08x", index))")
                .utf8)
    }
    // Resident bytes, not malloc's count: what the allocator keeps for the pods is what they cost.
    func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { fail("cannot read /proc/self/statm") }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    let before = residentBytes()
    var pods: [Pod] = []
    pods.reserveCapacity(count)
    for document in documents {
        do { pods.append(try JSONValueDecoder().decode(Pod.self, from: try JSONValue(parsing: document))) } catch {
            fail("the sample pod does not decode: \(error)")
        }
    }
    let decoded = residentBytes()
    var store: [String: Pod] = [:]
    for pod in pods { store[(pod.metadata.namespace ?? "") + "/" + (pod.metadata.name ?? "")] = pod }
    let stored = residentBytes()

    emit("pod_inline_bytes=\(MemoryLayout<Pod>.stride)")
    emit("decoded_bytes_per_pod=\((decoded - before) / count)")
    emit("store_bytes_per_pod=\((stored - decoded) / count)")
    withExtendedLifetime((pods, store)) {}
}
