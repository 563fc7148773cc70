import Loop

/// Leader election on a `coordination.k8s.io/v1` Lease, in client-go's shape: candidates try to
/// acquire or renew every `retryPeriod`; a lease is free when its holder has not renewed for
/// `leaseDuration` *as observed on our own clock* (so wall-clock skew between hosts does not matter);
/// a leader that cannot renew within `renewDeadline` steps down; `stop()` releases the lease so a
/// successor need not wait for it to expire.
@LoopActor
public final class LeaderElector {
    public struct Configuration: Sendable {
        public var leaseName: String
        public var namespace: String
        public var identity: String
        public var leaseDuration: Duration = .seconds(15)
        public var renewDeadline: Duration = .seconds(10)
        public var retryPeriod: Duration = .seconds(2)

        public init(leaseName: String, namespace: String, identity: String) {
            self.leaseName = leaseName
            self.namespace = namespace
            self.identity = identity
        }
    }

    public struct Callbacks {
        public var onStartedLeading: @LoopActor () -> Void
        public var onStoppedLeading: @LoopActor () -> Void
        /// Called whenever the observed holder changes (including to ourselves).
        public var onNewLeader: @LoopActor (String) -> Void

        public init(
            onStartedLeading: @escaping @LoopActor () -> Void, onStoppedLeading: @escaping @LoopActor () -> Void,
            onNewLeader: @escaping @LoopActor (String) -> Void = { _ in }
        ) {
            self.onStartedLeading = onStartedLeading
            self.onStoppedLeading = onStoppedLeading
            self.onNewLeader = onNewLeader
        }
    }

    public let configuration: Configuration
    private let client: KubeClient
    private let clock: any LoopClock
    private let callbacks: Callbacks
    private var task: Task<Void, Never>?

    public private(set) var isLeader = false
    /// The holder of the lease as last read.
    public private(set) var observedHolder = ""
    private var observedRecord: Lease.Spec?
    private var observedAt = LoopInstant(nanoseconds: 0)
    private var lastRenewal = LoopInstant(nanoseconds: 0)

    public init(client: KubeClient, configuration: Configuration, callbacks: Callbacks, clock: any LoopClock = UVClock.shared) {
        precondition(configuration.leaseDuration > configuration.renewDeadline, "leaseDuration must exceed renewDeadline")
        precondition(configuration.renewDeadline > configuration.retryPeriod, "renewDeadline must exceed retryPeriod")
        self.client = client
        self.configuration = configuration
        self.callbacks = callbacks
        self.clock = clock
    }

    public func start() {
        guard task == nil else { return }
        task = Task { @LoopActor [weak self] in await self?.run() }
    }

    /// Stops contending; a leader gives the lease up at once.
    public func stop() async {
        task?.cancel()
        task = nil
        guard isLeader else { return }
        await release()
        stepDown()
    }

    private func run() async {
        let jitter = Jitter(factor: 1.2)
        while !Task.isCancelled {
            let succeeded = await tryAcquireOrRenew()
            let now = clock.now
            if succeeded {
                lastRenewal = now
                if !isLeader {
                    isLeader = true
                    callbacks.onStartedLeading()
                }
            } else if isLeader, now.duration(since: lastRenewal) >= configuration.renewDeadline {
                stepDown()
            }
            // A leader renews on the period; candidates spread out their attempts (client-go's JitterFactor 1.2).
            let wait = isLeader ? configuration.retryPeriod : jitter.apply(to: configuration.retryPeriod)
            do { try await clock.sleep(for: wait) } catch { return }
        }
    }

    private func stepDown() {
        guard isLeader else { return }
        isLeader = false
        callbacks.onStoppedLeading()
    }

    /// One round: create the lease, take it over if expired, or renew it if ours. False on any failure.
    private func tryAcquireOrRenew() async -> Bool {
        let now = MicroTime.now()
        let durationSeconds = Int(configuration.leaseDuration.components.seconds)
        let lease: Lease
        do {
            lease = try await client.get(Lease.self, name: configuration.leaseName, namespace: configuration.namespace)
        } catch let error where error.isNotFound {
            var fresh = Lease()
            fresh.metadata.name = configuration.leaseName
            fresh.metadata.namespace = configuration.namespace
            fresh.spec = Lease.Spec(
                holderIdentity: configuration.identity, leaseDurationSeconds: durationSeconds, acquireTime: now,
                renewTime: now, leaseTransitions: 0)
            guard (try? await client.create(fresh)) != nil else { return false }
            observe(fresh.spec)
            return true
        } catch {
            return false
        }

        let record = lease.spec ?? Lease.Spec()
        if record != observedRecord { observe(record) }
        let holder = record.holderIdentity ?? ""
        let expired = clock.now.duration(since: observedAt) >= .seconds(record.leaseDurationSeconds ?? durationSeconds)
        if !holder.isEmpty, holder != configuration.identity, !expired { return false }

        var updated = lease
        var spec = record
        if holder != configuration.identity {
            spec.acquireTime = now
            spec.leaseTransitions = (record.leaseTransitions ?? 0) + (holder.isEmpty ? 0 : 1)
        }
        spec.holderIdentity = configuration.identity
        spec.leaseDurationSeconds = durationSeconds
        spec.renewTime = now
        updated.spec = spec
        // The read resourceVersion makes this a compare-and-swap: a rival's write in between is a 409.
        guard (try? await client.update(updated)) != nil else { return false }
        observe(spec)
        return true
    }

    private func observe(_ record: Lease.Spec?) {
        observedRecord = record
        observedAt = clock.now
        let holder = record?.holderIdentity ?? ""
        if holder != observedHolder {
            observedHolder = holder
            callbacks.onNewLeader(holder)
        }
    }

    /// Empties the holder so others can take over at once.
    private func release() async {
        guard var lease = try? await client.get(Lease.self, name: configuration.leaseName, namespace: configuration.namespace),
            lease.spec?.holderIdentity == configuration.identity
        else { return }
        lease.spec?.holderIdentity = nil
        lease.spec?.leaseDurationSeconds = 1
        lease.spec?.renewTime = MicroTime.now()
        _ = try? await client.update(lease)
    }
}
