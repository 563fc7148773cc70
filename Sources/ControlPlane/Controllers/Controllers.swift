import Kube
import Loop

/// The in-process controllers: what they watch and when they run.
///
/// Writes notify them through `APIServer.afterWrite`; each marks objects dirty and one drain per loop
/// turn reconciles them, so a controller's own writes never recurse into it.
@LoopActor
final class Controllers {
    unowned let server: APIServer
    private var dirty: [String: Set<ObjectKey>] = [:]
    private var drainScheduled = false
    private var monitor: (any TimerHandle)?
    lazy var scheduler = SchedulerController(server: server)
    lazy var nodeLifecycle = NodeLifecycleController(server: server)
    lazy var workloads = WorkloadControllers(server: server)

    init(server: APIServer) { self.server = server }

    func start() {
        scheduleMonitor()
    }

    func stop() {
        monitor?.cancel()
        monitor = nil
    }

    private func scheduleMonitor() {
        monitor = server.configuration.clock.schedule(after: server.configuration.nodeMonitorPeriod) { [weak self] in
            guard let self else { return }
            self.nodeLifecycle.checkHeartbeats()
            self.scheduleMonitor()
        }
    }

    /// Called after every committed write.
    func observe(_ type: ResourceType, key: ObjectKey, old: JSONValue?, new: JSONValue?) {
        switch type.storageKey {
        case "pods":
            mark("pods", key)
            for owner in (new ?? old)?["metadata"]?["ownerReferences"]?.arrayValue ?? [] where owner["controller"] == true {
                let kind = owner["kind"]?.stringValue ?? ""
                if let name = owner["name"]?.stringValue, let storage = WorkloadControllers.storageKey(ownerKind: kind) {
                    mark(storage, ObjectKey(namespace: key.namespace, name: name))
                }
            }
        case "nodes":
            mark("nodes", key)
            scheduler.nodeChanged(key)
        case "apps/deployments", "apps/replicasets", "batch/jobs":
            mark(type.storageKey, key)
            if type.storageKey == "apps/replicasets" {
                for owner in (new ?? old)?["metadata"]?["ownerReferences"]?.arrayValue ?? [] where owner["kind"] == "Deployment" {
                    if let name = owner["name"]?.stringValue { mark("apps/deployments", ObjectKey(namespace: key.namespace, name: name)) }
                }
            }
        case "policy/poddisruptionbudgets":
            mark(type.storageKey, key)
        default:
            break
        }
        if type.storageKey == "pods" { markBudgets(namespace: key.namespace) }
    }

    private func markBudgets(namespace: String) {
        for (key, _) in server.store.list("policy/poddisruptionbudgets", namespace: namespace) {
            mark("policy/poddisruptionbudgets", key)
        }
    }

    private func mark(_ storageKey: String, _ key: ObjectKey) {
        dirty[storageKey, default: []].insert(key)
        guard !drainScheduled else { return }
        drainScheduled = true
        Task { @LoopActor [weak self] in self?.drain() }
    }

    /// Reconciles everything marked, workloads before pods so new pods are scheduled in the same turn.
    private func drain() {
        drainScheduled = false
        let batch = dirty
        dirty = [:]
        for key in batch["apps/deployments"] ?? [] { workloads.reconcileDeployment(key) }
        for key in batch["apps/replicasets"] ?? [] { workloads.reconcileReplicaSet(key) }
        for key in batch["batch/jobs"] ?? [] { workloads.reconcileJob(key) }
        for key in batch["nodes"] ?? [] { nodeLifecycle.reconcile(key) }
        for key in batch["policy/poddisruptionbudgets"] ?? [] { workloads.reconcileBudget(key) }
        for key in batch["pods"] ?? [] { scheduler.podChanged(key) }
        scheduler.schedulePending()
    }
}
