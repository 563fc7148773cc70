import Foundation
import HTTP
import HTTPClient
import Kube
import Loop
import NodeAgent
import Providers
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) @LoopActor struct KubeletStatsTests {
    static let later = TestClock.start + .seconds(100)
    static let mebi: UInt64 = 1 << 20

    /// `web` runs `app` (250m, 64Mi requested) and `sidecar` (nothing requested: 10m, 16Mi) on node-0
    /// from the start; 100 s later the summary is taken. `db` runs on node-1.
    func fixture() async throws -> KubeletFixture {
        let fixture = try KubeletFixture(nodes: ["node-0", "node-1"])
        try await fixture.run("web", on: "node-0", containers: [("app", "250m", "64Mi"), ("sidecar", nil, nil)])
        try await fixture.run("db", namespace: "data", on: "node-1")
        fixture.clock.advance(.seconds(100))
        return fixture
    }

    @Test func theMockSummaryFollowsRequestsAndTheClock() async throws {
        let fixture = try await fixture()
        let answer = try await fixture.get("/stats/summary")
        #expect(answer.status == .ok && answer.contentType == "application/json")
        let summary = try JSONDecoder().decode(StatsSummary.self, from: Data(answer.body))
        let t = Self.later
        func memory(_ bytes: UInt64) -> MemoryStats {
            MemoryStats(time: t, usageBytes: bytes, workingSetBytes: bytes, rssBytes: bytes, pageFaults: 0, majorPageFaults: 0)
        }
        let app = ContainerStats(
            name: "app", startTime: TestClock.start,
            cpu: CPUStats(time: t, usageNanoCores: 250_000_000, usageCoreNanoSeconds: 25_000_000_000), memory: memory(64 * Self.mebi))
        let sidecar = ContainerStats(
            name: "sidecar", startTime: TestClock.start,
            cpu: CPUStats(time: t, usageNanoCores: 10_000_000, usageCoreNanoSeconds: 1_000_000_000), memory: memory(16 * Self.mebi))
        let web = PodStats(
            podRef: PodReference(name: "web", namespace: "team", uid: "uid-web"), startTime: TestClock.start,
            containers: [app, sidecar], cpu: CPUStats(time: t, usageNanoCores: 260_000_000, usageCoreNanoSeconds: 26_000_000_000),
            memory: memory(80 * Self.mebi))
        // The node: a 100m / 128Mi base since the provider started, plus its one pod.
        var nodeMemory = memory(208 * Self.mebi)
        nodeMemory.availableBytes = 100 * 1024 * Self.mebi - 208 * Self.mebi
        let node = NodeStats(
            nodeName: "node-0", startTime: TestClock.start,
            cpu: CPUStats(time: t, usageNanoCores: 360_000_000, usageCoreNanoSeconds: 36_000_000_000), memory: nodeMemory)
        #expect(summary == StatsSummary(node: node, pods: [web]))

        // The kubelet's field names on the wire.
        let json = try JSONValue(parsing: answer.body)
        #expect(json["node"]?["cpu"]?.objectValue?.keys.sorted() == ["time", "usageCoreNanoSeconds", "usageNanoCores"])
        #expect(json["node"]?["startTime"] == .string(TestClock.start.rfc3339))
        #expect(json["pods"]?[0]?["podRef"]?.objectValue?.keys.sorted() == ["name", "namespace", "uid"])
        #expect(json["pods"]?[0]?["containers"]?[0]?["memory"]?["workingSetBytes"] == .integer(64 << 20))
        await fixture.stop()
    }

    @Test func withSeveralNodesTheHostHeaderPicksOne() async throws {
        let fixture = try await fixture()
        func summary(host: String?) async throws -> StatsSummary {
            let headers: HTTPHeaders = host.map { ["Host": $0] } ?? [:]
            let answer = try await fixture.get("/stats/summary", headers: headers)
            return try JSONDecoder().decode(StatsSummary.self, from: Data(answer.body))
        }
        let second = try await summary(host: "node-1:10250")
        #expect(second.node.nodeName == "node-1" && second.pods.map(\.podRef.name) == ["db"])
        #expect(try await summary(host: "node-1").node.nodeName == "node-1")
        // An address, or a name the agent does not run: the first node.
        #expect(try await summary(host: "127.0.0.1:\(fixture.server.port)").node.nodeName == "node-0")
        #expect(try await summary(host: "elsewhere").node.nodeName == "node-0")
        await fixture.stop()
    }

    @Test func resourceMetricsCarryTheKubeletsNames() async throws {
        let fixture = try await fixture()
        let answer = try await fixture.get("/metrics/resource")
        #expect(answer.status == .ok && answer.contentType.hasPrefix("text/plain; version=0.0.4"))
        let ms = " \(Self.later.seconds * 1000)"
        let samples = answer.text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        let app = #"{container="app",namespace="team",pod="web"}"#
        let sidecar = #"{container="sidecar",namespace="team",pod="web"}"#
        let pod = #"{namespace="team",pod="web"}"#
        let mebi = Self.mebi
        let start = TestClock.start.seconds
        let expected: [String] = [
            "container_cpu_usage_seconds_total\(app) 25\(ms)",
            "container_cpu_usage_seconds_total\(sidecar) 1\(ms)",
            "container_memory_working_set_bytes\(app) \(64 * mebi)\(ms)",
            "container_memory_working_set_bytes\(sidecar) \(16 * mebi)\(ms)",
            "container_start_time_seconds\(app) \(start)\(ms)",
            "container_start_time_seconds\(sidecar) \(start)\(ms)",
            "node_cpu_usage_seconds_total 36\(ms)",
            "node_memory_working_set_bytes \(208 * mebi)\(ms)",
            "pod_cpu_usage_seconds_total\(pod) 26\(ms)",
            "pod_memory_working_set_bytes\(pod) \(80 * mebi)\(ms)",
            "scrape_error 0",
        ]
        #expect(samples.map(String.init) == expected)
        #expect(answer.text.contains("# TYPE container_cpu_usage_seconds_total counter\n"))
        #expect(answer.text.contains("# TYPE node_memory_working_set_bytes gauge\n"))
        await fixture.stop()
    }

    @Test func providerFailuresAndMissingCapability() async throws {
        let provider = FixedStatsProvider()
        let fixture = try KubeletFixture(provider: provider)
        let failed = try await fixture.get("/stats/summary")
        #expect(failed.status == .internalServerError && failed.text == "stats are unavailable\n")
        let metrics = try await fixture.get("/metrics/resource")
        #expect(metrics.status == .ok)
        #expect(metrics.text.split(separator: "\n").filter { !$0.hasPrefix("#") } == ["scrape_error 1"])

        // metrics-server's cheaper query leaves file systems and networks out.
        let t = TestClock.start
        provider.summary = StatsSummary(
            node: NodeStats(
                nodeName: "", startTime: t, cpu: CPUStats(time: t, usageNanoCores: 1), network: NetworkStats(time: t, rxBytes: 5),
                fs: FsStats(time: t, capacityBytes: 9)),
            pods: [PodStats(
                podRef: PodReference(name: "p", namespace: "n", uid: "u"), startTime: t,
                containers: [ContainerStats(name: "c", startTime: t, rootfs: FsStats(time: t, usedBytes: 1))],
                network: NetworkStats(time: t, txBytes: 3))])
        let full = try JSONValue(parsing: try await fixture.get("/stats/summary").body)
        #expect(full["node"]?["fs"] != nil && full["pods"]?[0]?["containers"]?[0]?["rootfs"] != nil)
        let lean = try JSONValue(parsing: try await fixture.get("/stats/summary?only_cpu_and_memory=true").body)
        #expect(lean["node"]?.objectValue?.keys.sorted() == ["cpu", "nodeName", "startTime"])
        #expect(lean["pods"]?[0]?["network"] == nil && lean["pods"]?[0]?["containers"]?[0]?["rootfs"] == nil)
        #expect(provider.askedFor.allSatisfy { $0 == "node-0" })
        await fixture.stop()

        let bare = try KubeletFixture(provider: BareProvider())
        for path in ["/stats/summary", "/metrics/resource"] {
            let answer = try await bare.get(path)
            #expect(answer.status == .notImplemented && answer.text == "mock provider does not support stats\n")
        }
        await bare.stop()
    }
}
