import Kube
import Loop

/// Keeps one node's Lease in `kube-node-lease` renewed (SPEC §1.3): every quarter of its duration
/// with jitter, retrying a failed renewal with backoff from 200 ms to 7 s. The last Lease written is
/// kept so that a renewal is one PUT; a conflict or a missing lease costs one extra read or create.
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
    private var lease: Lease?
    private var nodeUID: String?
    private var timer: (any TimerHandle)?
    private var backoff = Backoff(initial: .milliseconds(200), cap: .seconds(7))
    private var due: LoopInstant?
    private var stopped = false
    private(set) var renewals = 0

    init(
        nodeName: String, durationSeconds: Int, client: KubeClient, clock: any LoopClock, metrics: AgentMetrics,
        logger: Logger, jitter: Jitter = Jitter(factor: 0.04)
    ) {
        self.nodeName = nodeName
        self.durationSeconds = durationSeconds
        self.client = client
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.jitter = jitter
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
            schedule(after: backoff.next())
        }
    }

    func stop() {
        stopped = true
        timer?.cancel()
        timer = nil
    }

    private func schedule(after delay: Duration) {
        guard !stopped else { return }
        timer?.cancel()
        due = clock.now + delay
        timer = clock.schedule(after: delay) { [weak self] in
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
            schedule(after: backoff.next())
        }
    }

    /// One renewal: PUT the kept lease with a new renewTime; create it when missing; re-read it on a conflict.
    @discardableResult
    private func renew() async -> Bool {
        guard !stopped else { return false }
        do {
            if var lease {
                lease.spec?.renewTime = MicroTime.now()
                lease.spec?.holderIdentity = nodeName
                lease.spec?.leaseDurationSeconds = durationSeconds
                do {
                    self.lease = try await client.update(lease)
                } catch let error where error.isConflict || error.isNotFound {
                    self.lease = nil
                    return await renew()
                }
            } else {
                self.lease = try await acquire()
            }
            renewals += 1
            metrics.leaseRenewals.inc(["success"])
            return true
        } catch {
            metrics.leaseRenewals.inc(["failure"])
            logger.warning("lease renewal failed", ["node": nodeName, "error": "\(error)"])
            return false
        }
    }

    /// Reads the lease, or creates it; either way it ends up held by this node and renewed now.
    private func acquire() async throws(KubeError) -> Lease {
        let now = MicroTime.now()
        do {
            var existing = try await client.get(Lease.self, name: nodeName, namespace: Self.namespace)
            var spec = existing.spec ?? Lease.Spec()
            spec.holderIdentity = nodeName
            spec.leaseDurationSeconds = durationSeconds
            spec.renewTime = now
            existing.spec = spec
            if existing.metadata.ownerReferences == nil, let owner = ownerReference { existing.metadata.ownerReferences = [owner] }
            return try await client.update(existing)
        } catch let error where error.isNotFound {
            var lease = Lease(
                metadata: ObjectMeta(name: nodeName, namespace: Self.namespace),
                spec: Lease.Spec(holderIdentity: nodeName, leaseDurationSeconds: durationSeconds, renewTime: now))
            if let owner = ownerReference { lease.metadata.ownerReferences = [owner] }
            return try await client.create(lease)
        }
    }

    private var ownerReference: OwnerReference? {
        nodeUID.map { OwnerReference(apiVersion: "v1", kind: "Node", name: nodeName, uid: $0) }
    }
}
