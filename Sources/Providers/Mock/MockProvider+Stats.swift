import Kube
import Loop
import NodeAgent

/// Simulated usage (see `SimulatedUsage`): each container uses what it requests, from its start.
extension MockProvider: PodStatsProvider {
    public func statsSummary(node: String) async throws -> StatsSummary {
        let pods = try await pods().filter { $0.node == node }.map(\.pod)
        return SimulatedUsage.summary(
            node: node, pods: pods, startTime: startTime, memoryCapacity: configuration.capacity["memory"]?.value, at: now())
    }
}
