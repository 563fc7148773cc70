import Foundation

/// What a bench measured; printed as a table or as JSON.
struct BenchFigures: Encodable {
    struct Usage: Encodable {
        /// Resident memory before the nodes, once they were Ready, and at the steady state.
        var rssBeforeBytes: Int
        var rssNodesReadyBytes: Int
        var rssSteadyBytes: Int
        var rssPerNodeBytes: Double
        var rssPerPodBytes: Double?
        /// CPU used during the steady state, in % of one core.
        var steadyCPUPercent: Double
    }

    struct Lateness: Encodable {
        var renewals: UInt64
        var p50Seconds: Double?
        var p99Seconds: Double?
    }

    /// Requests per second by verb, in each phase.
    struct Rates: Encodable {
        var nodes: [String: Double]
        /// Nil without pods.
        var pods: [String: Double]?
        /// Between all pods Running and the steady state: the events still queued, the last reconciles.
        var settling: [String: Double]
        var steady: [String: Double]
    }

    var nodes: Int
    var pods: Int
    var provider: String
    var scheduled: Bool
    var cluster: String
    var nodesReadySeconds: Double
    var nodesPerSecond: Double
    var podsRunningSeconds: Double?
    var podsPerSecond: Double?
    /// From the last pod Running until the agent stopped reconciling (the echoes of its writes) and
    /// writing events.
    var settleSeconds: Double
    var steadySeconds: Double
    /// The bench process: the agent, and the control plane too when it shares the process.
    var agent: Usage
    var agentIncludesControlPlane: Bool
    /// The control plane's own process, when it runs apart.
    var controlPlane: Usage?
    var leaseLateness: Lateness
    var agentRequests: Rates
    var controlPlaneRequests: Rates?
    var cleanupSeconds: Double

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    func table() -> String {
        var rows: [(String, String)] = [
            ("nodes Ready after", "\(Self.fixed(nodesReadySeconds)) s (\(Self.fixed(nodesPerSecond, 0)) nodes/s)"),
        ]
        if let seconds = podsRunningSeconds, let rate = podsPerSecond {
            rows.append(("pods Running after", "\(Self.fixed(seconds)) s (\(Self.fixed(rate, 0)) pods/s)"))
        }
        rows.append(("agent settled after", "\(Self.fixed(settleSeconds)) s more"))
        let who = agentIncludesControlPlane ? "agent + control plane" : "agent"
        rows.append(("\(who) RSS per node", Self.kibibytes(agent.rssPerNodeBytes)))
        if let perPod = agent.rssPerPodBytes { rows.append(("\(who) RSS per pod", Self.kibibytes(perPod))) }
        rows.append(("\(who) RSS at steady state", Self.kibibytes(Double(agent.rssSteadyBytes))))
        rows.append(("\(who) CPU at steady state", "\(Self.fixed(agent.steadyCPUPercent, 1)) % of one core"))
        if let controlPlane {
            rows.append(("control plane RSS at steady state", Self.kibibytes(Double(controlPlane.rssSteadyBytes))))
            rows.append(("control plane CPU at steady state", "\(Self.fixed(controlPlane.steadyCPUPercent, 1)) % of one core"))
        }
        rows.append((
            "lease renewal lateness p50 / p99",
            "\(leaseLateness.p50Seconds.map { Self.fixed($0, 3) } ?? "-") s / \(leaseLateness.p99Seconds.map { Self.fixed($0, 3) } ?? "-") s (\(leaseLateness.renewals) renewals)"
        ))
        for (who, rates) in [("agent", agentRequests), ("control plane", controlPlaneRequests)] {
            guard let rates else { continue }
            for (phase, perVerb) in [("nodes", rates.nodes), ("pods", rates.pods), ("settling", rates.settling), ("steady", rates.steady)] {
                if let perVerb { rows.append(("\(who) requests/s (\(phase))", Self.rates(perVerb))) }
            }
        }
        rows.append(("cleanup", "\(Self.fixed(cleanupSeconds)) s"))
        let width = rows.map(\.0.count).max() ?? 0
        let title = "node-agent bench: \(nodes) nodes, \(pods) pods, provider \(provider), "
            + (scheduled ? "pods placed by the scheduler" : "pods bound directly") + ", on \(cluster); steady state \(Self.fixed(steadySeconds, 0)) s"
        return ([title] + rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }).joined(separator: "\n") + "\n"
    }

    private static func fixed(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
    private static func kibibytes(_ bytes: Double) -> String { bytes >= 10 * 1024 * 1024 ? "\(fixed(bytes / 1024 / 1024, 1)) MiB" : "\(fixed(bytes / 1024, 2)) KiB" }
    private static func rates(_ rates: [String: Double]) -> String {
        let shown = rates.filter { $0.value >= 0.05 }.sorted { $0.value > $1.value }
        return shown.isEmpty ? "-" : shown.map { "\($0.key) \(fixed($0.value, 1))" }.joined(separator: ", ")
    }
}
