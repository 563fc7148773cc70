import Kube
import Loop

/// Keeps one node's Lease in `kube-node-lease` renewed (SPEC §1.3): every quarter of its duration
/// with jitter, retrying a failed renewal with backoff from 200 ms to 7 s. The last Lease written is
/// kept so that a renewal is one PUT; a conflict or a missing lease costs one extra read or create.
/// The lease is kept as the server's JSON, not decoded: a PUT then writes back every field it had.
/// Renewals (a thousand a second for 10,000 nodes) fill the two strings that change into the kept
/// lease's serialization and read only the new resourceVersion from the answer.
@LoopActor
final class LeaseHeartbeat {
    static let namespace = "kube-node-lease"

    let nodeName: String
    private let client: KubeClient
    private let clock: any LoopClock
    private let metrics: AgentMetrics
    private let logger: Logger
    private let durationSeconds: Int
    private let jitter: Jitter
    private let grid: Duration
    private var lease: KeptLease?
    private var nodeUID: String?
    private var timer: (any TimerHandle)?
    private var backoff = Backoff(initial: .milliseconds(200), cap: .seconds(7))
    private var due: LoopInstant?
    private var stopped = false
    private(set) var renewals = 0
    /// A renewal failed since `takeInterruption` was last called: the node may have been marked unknown.
    private var interrupted = false

    init(
        nodeName: String, durationSeconds: Int, grid: Duration = .zero, client: KubeClient, clock: any LoopClock,
        metrics: AgentMetrics, logger: Logger, jitter: Jitter = Jitter(factor: 0.04)
    ) {
        self.nodeName = nodeName
        self.durationSeconds = durationSeconds
        self.client = client
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.jitter = jitter
        self.grid = grid
    }

    var interval: Duration { .seconds(durationSeconds) / 4 }

    /// Writes the lease now (owned by the node `nodeUID`, so it goes when the node goes), then keeps
    /// renewing it; the second renewal comes after `offset`, which spreads many nodes over an interval.
    func start(nodeUID: String?, offset: Duration) async {
        self.nodeUID = nodeUID
        stopped = false
        if await renew() {
            schedule(after: offset > .zero ? offset : jitter.apply(to: interval))
        } else {
            schedule(after: backoff.next(), onGrid: false)
        }
    }

    /// Whether a renewal failed since the last call.
    func takeInterruption() -> Bool {
        defer { interrupted = false }
        return interrupted
    }

    func stop() {
        stopped = true
        timer?.cancel()
        timer = nil
    }

    /// A renewal goes on the grid; a retry after a failure does not wait for it. Lateness is counted
    /// from the jittered time, so the grid's wait shows in it.
    private func schedule(after delay: Duration, onGrid: Bool = true) {
        guard !stopped else { return }
        timer?.cancel()
        due = clock.now + delay
        timer = clock.schedule(after: onGrid ? clock.delay(delay, onGrid: grid) : delay) { [weak self] in
            guard let self else { return }
            Task { @LoopActor in await self.tick() }
        }
    }

    private func tick() async {
        if await renew() {
            // Measured when the renewal is written: a slow API server makes a lease late too.
            if let due { metrics.leaseLateness.observe(clock.now.duration(since: due).seconds) }
            backoff.reset()
            schedule(after: jitter.apply(to: interval))
        } else {
            schedule(after: backoff.next(), onGrid: false)
        }
    }

    /// One renewal: PUT the kept lease with a new renewTime; create it when missing; re-read it on a conflict.
    @discardableResult
    private func renew() async -> Bool {
        guard !stopped else { return false }
        do {
            if let lease {
                let body = lease.template.render([lease.resourceVersion, MicroTime.now().description])
                do throws(KubeError) {
                    let answer = try await client.send(.put, path: lease.path, body: body, contentType: "application/json")
                    guard let version = JSONScanner.string(at: ["metadata", "resourceVersion"], in: answer.body) else {
                        throw KubeError.decoding("renewed Lease \(nodeName) has no resourceVersion")
                    }
                    self.lease?.resourceVersion = version
                } catch let error where error.isConflict || error.isNotFound {
                    self.lease = nil
                    return await renew()
                }
            } else {
                self.lease = KeptLease(try await acquire(), path: Lease.resource.path(namespace: Self.namespace, name: nodeName))
            }
            renewals += 1
            metrics.leaseRenewals.inc(["success"])
            return true
        } catch {
            interrupted = true
            metrics.leaseRenewals.inc(["failure"])
            logger.warning("lease renewal failed", ["node": nodeName, "error": "\(error)"])
            return false
        }
    }

    /// Reads the lease, or creates it; either way it ends up held by this node and renewed now.
    private func acquire() async throws(KubeError) -> JSONValue {
        let now = MicroTime.now()
        do {
            var existing = try await client.get(Lease.resource, name: nodeName, namespace: Self.namespace)
            existing["spec"] = renewedSpec(existing["spec"] ?? [:], at: now)
            if existing["metadata"]?["ownerReferences"] == nil, let owner = ownerReference {
                existing["metadata"]?["ownerReferences"] = [owner]
            }
            return try await client.update(Lease.resource, existing)
        } catch let error where error.isNotFound {
            var metadata: JSONValue = ["name": .string(nodeName), "namespace": .string(Self.namespace)]
            if let owner = ownerReference { metadata["ownerReferences"] = [owner] }
            let lease: JSONValue = [
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": metadata,
                "spec": renewedSpec([:], at: now),
            ]
            return try await client.create(Lease.resource, lease)
        }
    }

    /// The lease as kept between renewals: without managedFields, which are most of its size (an
    /// update without them keeps the server's), so 10,000 kept leases stay small; its resourceVersion
    /// and renewTime are the template's holes.
    private struct KeptLease {
        let template: JSONTemplate
        let path: String
        var resourceVersion: String

        init(_ lease: JSONValue, path: String) {
            var lease = lease
            lease["metadata"]?["managedFields"] = nil
            template = JSONTemplate(lease, holes: [["metadata", "resourceVersion"], ["spec", "renewTime"]])
            self.path = path
            resourceVersion = lease["metadata"]?["resourceVersion"]?.stringValue ?? ""
        }
    }

    private func renewedSpec(_ spec: JSONValue, at time: MicroTime) -> JSONValue {
        var spec = spec
        spec["holderIdentity"] = .string(nodeName)
        spec["leaseDurationSeconds"] = .integer(Int64(durationSeconds))
        spec["renewTime"] = .string(time.description)
        return spec
    }

    private var ownerReference: JSONValue? {
        nodeUID.map { ["apiVersion": "v1", "kind": "Node", "name": .string(nodeName), "uid": .string($0)] }
    }
}
