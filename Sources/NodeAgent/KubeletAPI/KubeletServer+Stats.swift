import Foundation
import HTTP
import Loop

extension KubeletServer {
    /// `GET /stats/summary[?only_cpu_and_memory=true]`: the provider's summary for the request's node.
    func statsSummary(_ request: HTTPRequest, _ writer: any HTTPResponseWriter) async {
        let summary: StatsSummary
        switch await providerSummary(for: request) {
        case .success(let value): summary = value
        case .failure(let response):
            try? await writer.respond(response)
            return
        }
        let cpuAndMemoryOnly = ["true", "1"].contains(request.query["only_cpu_and_memory"] ?? "")
        do {
            try await writer.respond(.json(try Self.encode(cpuAndMemoryOnly ? summary.cpuAndMemoryOnly : summary)))
        } catch {
            try? await writer.respond(.text("cannot encode the stats summary: \(error)\n", status: .internalServerError))
        }
    }

    /// `GET /metrics/resource`: the same summary as Prometheus text. When the provider fails the scrape
    /// still succeeds, with only `scrape_error 1`, as the kubelet's collector reports it.
    func resourceMetrics(_ request: HTTPRequest, _ writer: any HTTPResponseWriter) async {
        let text: String
        switch await providerSummary(for: request) {
        case .success(let summary): text = ResourceMetrics.render(summary)
        case .failure(let response) where response.status == .notImplemented:
            try? await writer.respond(response)
            return
        case .failure: text = ResourceMetrics.render(nil)
        }
        try? await writer.respond(
            HTTPResponse(headers: ["Content-Type": MetricsRegistry.contentType], body: Array(text.utf8)))
    }

    private enum Outcome {
        case success(StatsSummary)
        /// The answer to send instead.
        case failure(HTTPResponse)
    }

    /// The provider's summary of the request's node.
    private func providerSummary(for request: HTTPRequest) async -> Outcome {
        guard let stats = provider as? any PodStatsProvider else {
            return .failure(.text("\(providerName) provider does not support stats\n", status: .notImplemented))
        }
        guard let node = node(for: request) else {
            return .failure(.text("no node is registered yet\n", status: .serviceUnavailable))
        }
        do { return .success(try await stats.statsSummary(node: node)) } catch { return .failure(Self.failure(error)) }
    }

    /// JSON as the API server writes it: no escaped slashes.
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}

extension StatsSummary {
    /// Without file system and network figures (metrics-server's cheaper query).
    var cpuAndMemoryOnly: StatsSummary {
        var summary = self
        summary.node.fs = nil
        summary.node.network = nil
        summary.node.systemContainers = summary.node.systemContainers?.map(\.cpuAndMemoryOnly)
        summary.pods = pods.map { pod in
            var pod = pod
            pod.network = nil
            pod.containers = pod.containers.map(\.cpuAndMemoryOnly)
            return pod
        }
        return summary
    }
}

extension ContainerStats {
    fileprivate var cpuAndMemoryOnly: ContainerStats {
        var container = self
        container.rootfs = nil
        container.logs = nil
        return container
    }
}
