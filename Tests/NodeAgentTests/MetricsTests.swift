import Loop
import NodeAgent
import Testing

@Suite @LoopActor struct MetricsTests {
    @Test func rendersCountersGaugesAndHistogramsInTheTextFormat() {
        let registry = MetricsRegistry()
        let renewals = registry.counter("node_agent_lease_renewals_total", help: "Lease renewals.", labels: ["result"])
        let nodes = registry.gauge("node_agent_nodes", help: "Nodes registered.")
        let latency = registry.histogram(
            "node_agent_api_request_duration_seconds", help: "API latency.", labels: ["verb"], buckets: [0.01, 0.1])
        renewals.inc(["success"])
        renewals.inc(["success"])
        renewals.inc(["failure"])
        nodes.set(3)
        latency.observe(0.005, ["GET"])
        latency.observe(0.05, ["GET"])
        latency.observe(2, ["GET"])
        #expect(renewals.value(["success"]) == 2)
        #expect(latency.count(["GET"]) == 3)
        #expect(registry.render() == """
            # HELP node_agent_api_request_duration_seconds API latency.
            # TYPE node_agent_api_request_duration_seconds histogram
            node_agent_api_request_duration_seconds_bucket{verb="GET",le="0.01"} 1
            node_agent_api_request_duration_seconds_bucket{verb="GET",le="0.1"} 2
            node_agent_api_request_duration_seconds_bucket{verb="GET",le="+Inf"} 3
            node_agent_api_request_duration_seconds_sum{verb="GET"} 2.055
            node_agent_api_request_duration_seconds_count{verb="GET"} 3
            # HELP node_agent_lease_renewals_total Lease renewals.
            # TYPE node_agent_lease_renewals_total counter
            node_agent_lease_renewals_total{result="failure"} 1
            node_agent_lease_renewals_total{result="success"} 2
            # HELP node_agent_nodes Nodes registered.
            # TYPE node_agent_nodes gauge
            node_agent_nodes 3

            """)
    }

    /// Estimated as Prometheus' histogram_quantile does, over what was observed between two snapshots.
    @Test func quantilesOfASnapshotDifference() {
        let histogram = MetricsRegistry().histogram("h", help: "h", buckets: [0.1, 0.5, 1])
        histogram.observe(7)
        let start = histogram.snapshot()
        #expect(start.quantile(0.5) == 1)  // above every bound: the highest bound
        for value in [0.05, 0.05, 0.2, 0.3, 0.4, 0.45, 0.6, 0.7, 0.8, 0.9] { histogram.observe(value) }
        let window = histogram.snapshot().subtracting(start)
        #expect(window.count == 10)
        #expect(window.buckets == [2, 4, 4, 0])
        #expect(abs((window.quantile(0.5) ?? 0) - (0.1 + 0.4 * 3 / 4)) < 1e-9)
        #expect(abs((window.quantile(0.99) ?? 0) - (0.5 + 0.5 * 3.9 / 4)) < 1e-9)
        #expect(MetricsRegistry().histogram("e", help: "e", buckets: [1]).snapshot().quantile(0.5) == nil)
    }

    @Test func escapesLabelValues() {
        let registry = MetricsRegistry()
        registry.counter("c", help: "a \\ b\nc", labels: ["l"]).inc(["x\"y\\z"])
        #expect(registry.render().contains(#"c{l="x\"y\\z"} 1"#))
        #expect(registry.render().contains(#"# HELP c a \\ b\nc"#))
    }
}
