import Foundation
import Glibc
import Kube
import Loop
import NodeAgent
import Providers

/// `node-agent bench`: nodes, then pods, then a steady state of heartbeats, each measured; then
/// everything it made is deleted.
@LoopActor
final class Bench {
    private let options: BenchOptions
    private let cluster: BenchCluster
    /// The bench's own requests (pods, cleanup), apart from the agent's.
    private let client: KubeClient
    private let agent: Agent
    private let agentClient: KubeClient
    private let started = ContinuousClock.now

    static func run(_ options: BenchOptions) async {
        let outcome = await Task { @LoopActor () -> Result<BenchFigures, BenchError> in
            let cluster: BenchCluster
            do throws(BenchError) { cluster = try await BenchCluster(options) } catch { return .failure(error) }
            let bench: Bench
            do throws(BenchError) { bench = try Bench(options, cluster: cluster) } catch {
                await cluster.stop()
                return .failure(error)
            }
            let result = await bench.measure()
            await cluster.stop()
            return result
        }.value
        switch outcome {
        case .success(let figures): print(options.json ? figures.json() : figures.table(), terminator: options.json ? "\n" : "")
        case .failure(let error): fail(error.description)
        }
    }

    private init(_ options: BenchOptions, cluster: BenchCluster) throws(BenchError) {
        self.options = options
        self.cluster = cluster
        client = KubeClient(connection: cluster.connection, qps: 0, burst: 0)
        var configuration = AgentConfiguration()
        configuration.nodeName = options.nodeName
        configuration.nodeCount = options.nodes
        configuration.providerName = options.provider
        configuration.nodeIP = "127.0.0.1"
        configuration.deleteNodesOnExit = true
        // Room for a million nodes' pod ranges.
        configuration.podCIDR = "10.0.0.0/8"
        let provider: any Provider
        do { provider = try Providers.make(options.provider, configPath: options.providerConfig) } catch {
            throw BenchError("\(error)")
        }
        // As many requests per second as the same number of kubelets would be allowed (50 each).
        agentClient = KubeClient(connection: cluster.connection, qps: 50 * Double(options.nodes), burst: 100 * options.nodes)
        agent = Agent(configuration: configuration, client: agentClient, provider: provider, logger: Logger(level: .error))
    }

    private func measure() async -> Result<BenchFigures, BenchError> {
        defer {
            client.shutdown()
            agentClient.shutdown()
        }
        do {
            return .success(try await phases())
        } catch {
            await agent.stop()
            return .failure(error)
        }
    }

    private func phases() async throws(BenchError) -> BenchFigures {
        let before = try usage()
        var mark = await RequestMark(self)
        let nodesStarted = ContinuousClock.now
        do {
            try await agent.start(progress: Progress.reporter { self.say("nodes registered \($0)") })
        } catch {
            throw BenchError("\(error)")
        }
        try await waitFor("nodes Ready", total: options.nodes) { self.agent.readyCount }
        let nodesReady = (ContinuousClock.now - nodesStarted).seconds
        let afterNodes = try usage()
        let nodeRates = await mark.rates(self)

        var podsRunning: Double?
        var podRates: (agent: [String: Double], controlPlane: [String: Double]?)?
        if options.pods > 0 {
            let podsStarted = ContinuousClock.now
            try await createPods()
            try await waitFor("pods Running", total: options.pods) { self.agent.podPhases["Running"] ?? 0 }
            podsRunning = (ContinuousClock.now - podsStarted).seconds
            podRates = await mark.rates(self)
        }
        let settled = try await settle()
        let settleRates = await mark.rates(self)

        // The steady state: every node Ready, every pod Running and reconciled, only heartbeats and
        // status updates.
        say("measuring the steady state for \(Int(options.steady.seconds)) s")
        let steadyStart = try usage()
        let latenessStart = agent.metrics.leaseLateness.snapshot()
        let steadyStarted = ContinuousClock.now
        try? await Task.sleep(for: options.steady)
        let steadySeconds = (ContinuousClock.now - steadyStarted).seconds
        let steadyEnd = try usage()
        let lateness = agent.metrics.leaseLateness.snapshot().subtracting(latenessStart)
        let steadyRates = await mark.rates(self)

        let cleanupStarted = ContinuousClock.now
        await cleanUp()
        let cleanup = (ContinuousClock.now - cleanupStarted).seconds

        func figures(_ pick: (Sample) -> ProcessUsage?) -> BenchFigures.Usage? {
            guard let before = pick(before), let nodes = pick(afterNodes), let start = pick(steadyStart), let end = pick(steadyEnd)
            else { return nil }
            return BenchFigures.Usage(
                rssBeforeBytes: before.residentBytes, rssNodesReadyBytes: nodes.residentBytes, rssSteadyBytes: end.residentBytes,
                rssPerNodeBytes: Double(nodes.residentBytes - before.residentBytes) / Double(options.nodes),
                rssPerPodBytes: options.pods > 0 ? Double(end.residentBytes - nodes.residentBytes) / Double(options.pods) : nil,
                steadyCPUPercent: 100 * (end.cpuSeconds - start.cpuSeconds) / steadySeconds)
        }
        guard let agentUsage = figures(\.agent) else { throw BenchError("cannot read this process's usage from /proc") }
        return BenchFigures(
            nodes: options.nodes, pods: options.pods, provider: options.provider, scheduled: options.schedule,
            cluster: cluster.description, nodesReadySeconds: nodesReady, nodesPerSecond: Double(options.nodes) / nodesReady,
            podsRunningSeconds: podsRunning, podsPerSecond: podsRunning.map { Double(options.pods) / $0 }, settleSeconds: settled,
            steadySeconds: steadySeconds,
            agent: agentUsage, agentIncludesControlPlane: cluster.sharesThisProcess, controlPlane: figures(\.controlPlane),
            leaseLateness: BenchFigures.Lateness(renewals: lateness.count, p50Seconds: lateness.quantile(0.5), p99Seconds: lateness.quantile(0.99)),
            agentRequests: BenchFigures.Rates(
                nodes: nodeRates.agent, pods: podRates?.agent, settling: settleRates.agent, steady: steadyRates.agent),
            controlPlaneRequests: nodeRates.controlPlane.map { nodes in
                BenchFigures.Rates(
                    nodes: nodes, pods: podRates?.controlPlane ?? nil, settling: settleRates.controlPlane ?? [:],
                    steady: steadyRates.controlPlane ?? [:])
            },
            cleanupSeconds: cleanup)
    }

    // MARK: - Pods

    private func createPods() async throws(BenchError) {
        do { _ = try await client.create(Namespace(metadata: ObjectMeta(name: options.namespace))) } catch where error.isAlreadyExists {
        } catch {
            throw BenchError("cannot create namespace \(options.namespace): \(error)")
        }
        let names = agent.configuration.nodeNames
        var next = 0
        var created = 0
        var failure: (any Error)?
        let workers = (0..<64).map { _ in
            Task { @LoopActor in
                while failure == nil, next < self.options.pods {
                    let index = next
                    next += 1
                    do {
                        // The answer is not decoded: the load generator should cost the process as little as it can.
                        try await self.client.createWithoutResult(self.pod(index, node: self.options.schedule ? nil : names[index % names.count]))
                        created += 1
                    } catch {
                        failure = error
                    }
                }
            }
        }
        let progress = Task { @LoopActor in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                self.say("pods created \(created)/\(self.options.pods), Running \(self.agent.podPhases["Running"] ?? 0)")
            }
        }
        for worker in workers { await worker.value }
        progress.cancel()
        if let failure { throw BenchError("cannot create pods: \(failure)") }
    }

    private func pod(_ index: Int, node: String?) -> Pod {
        var container = Container(name: "pause", image: "registry.k8s.io/pause:3.10")
        container.resources = ResourceRequirements(requests: ["cpu": "10m", "memory": "16Mi"])
        var spec = PodSpec(containers: [container], nodeName: node)
        spec.tolerations = [Toleration(operator: "Exists")]
        return Pod(metadata: ObjectMeta(name: "bench-\(index)", namespace: options.namespace, labels: ["app": "node-agent-bench"]), spec: spec)
    }

    /// Pods at once (grace 0), then the agent stops and deletes its nodes (and so their leases); then the namespace.
    private func cleanUp() async {
        say("deleting what the bench made")
        if options.pods > 0 {
            _ = try? await client.send(
                .delete, path: "/api/v1/namespaces/\(options.namespace)/pods",
                query: [("labelSelector", "app=node-agent-bench"), ("gracePeriodSeconds", "0")], timeout: .seconds(600))
            say("pods deleted")
            let deadline = ContinuousClock.now + .seconds(120)
            while agent.podPhases.values.reduce(0, +) > 0, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(200)) }
            say("the agent let go of its pods")
        }
        await agent.stop()
        say("nodes deleted")
        if options.pods > 0 { _ = try? await client.delete(Namespace.self, name: options.namespace) }
    }

    // MARK: - Measuring

    /// Waits until the agent has caught up: the echo of each of its status writes comes back
    /// through its watch and is reconciled after the pod already shows Running, and the events it
    /// announced (three a pod) may still wait for a connection. Caught up means neither a reconcile
    /// nor a POST for 2 s; what that took is reported, so the steady state holds only heartbeats.
    private func settle() async throws(BenchError) -> Double {
        let started = ContinuousClock.now
        var last = -1.0
        var quiet = ContinuousClock.now
        while true {
            let now = ContinuousClock.now
            let reconciles = agent.metrics.reconciles.value(["success"]) + agent.metrics.reconciles.value(["error"])
            let posts = agentRequestCounts()["POST"] ?? 0
            if reconciles + posts != last { (last, quiet) = (reconciles + posts, now) }
            if now - quiet >= .seconds(2) { return (quiet - started).seconds }
            if now - started > .seconds(600) { throw BenchError("the agent still reconciles pods after 10 minutes") }
            say("waiting for the agent to settle (\(Int(reconciles)) reconciles, \(Int(posts)) POSTs)")
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Waits until `count()` reaches `total`, saying how far it is once a second; gives up when it
    /// has not moved for two minutes.
    private func waitFor(_ what: String, total: Int, _ count: @escaping @LoopActor () -> Int) async throws(BenchError) {
        var last = -1
        var lastMove = ContinuousClock.now
        var lastSaid = ContinuousClock.now
        while true {
            let now = ContinuousClock.now
            let value = count()
            if value >= total { return }
            if value != last { (last, lastMove) = (value, now) }
            if now - lastMove > .seconds(120) { throw BenchError("\(what): stuck at \(value)/\(total) for 2 minutes") }
            if now - lastSaid >= .seconds(1) {
                say("\(what) \(value)/\(total)")
                lastSaid = now
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    fileprivate struct Sample {
        var agent: ProcessUsage?
        var controlPlane: ProcessUsage?
    }

    private func usage() throws(BenchError) -> Sample {
        Sample(agent: ProcessUsage.read(), controlPlane: cluster.childPID.flatMap { ProcessUsage.read(pid: $0) })
    }

    /// Request counts at the start of a phase; `rates` gives the per-second rates since and starts the next phase.
    @LoopActor
    fileprivate struct RequestMark {
        var time: ContinuousClock.Instant
        var agent: [String: Double]
        var controlPlane: [String: Double]?

        init(_ bench: Bench) async {
            time = .now
            agent = bench.agentRequestCounts()
            controlPlane = await bench.cluster.requestCounts(bench.client)
        }

        mutating func rates(_ bench: Bench) async -> (agent: [String: Double], controlPlane: [String: Double]?) {
            let next = await RequestMark(bench)
            let seconds = max((next.time - time).seconds, 0.001)
            func perSecond(_ now: [String: Double], _ then: [String: Double]) -> [String: Double] {
                now.mapValues { $0 / seconds }.merging(then.mapValues { -$0 / seconds }) { $0 + $1 }
            }
            defer { self = next }
            return (perSecond(next.agent, agent), next.controlPlane.map { perSecond($0, controlPlane ?? [:]) })
        }
    }

    fileprivate func agentRequestCounts() -> [String: Double] {
        var counts: [String: Double] = [:]
        for (labels, count) in agent.metrics.apiRequests.counts() { counts[labels.first ?? "", default: 0] += Double(count) }
        return counts
    }

    private func say(_ text: String) {
        let line = Array("bench: [\(String(format: "%6.1f", (ContinuousClock.now - started).seconds)) s] \(text)\n".utf8)
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
