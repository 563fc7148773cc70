import Kube
import Loop

/// The one reconcile of a pod: idempotent, so running it again after any change (or any failure)
/// converges on the same end state.
extension PodController {
    func reconcile(_ key: String) async -> ReconcileQueue.Outcome {
        do {
            let outcome = try await step(key)
            metrics.reconciles.inc(["success"])
            return outcome
        } catch {
            metrics.reconciles.inc(["error"])
            logger.warning("pod reconcile failed", ["pod": key, "error": "\(error)"])
            return .retry
        }
    }

    private func step(_ queued: String) async throws -> ReconcileQueue.Outcome {
        // The informer's copy of the key: the state and the address keep it as long as the pod.
        let key = informer.store.storedKey(queued) ?? queued
        let desired = desired(key)
        let (namespace, name) = Self.split(key)
        // Gone from the cluster, or replaced by a new pod of the same name: stop what the provider runs.
        if let state = states[key], desired == nil || desired?.metadata.uid != state.uid {
            if let running = try await provider.pod(namespace: namespace, name: name) {
                try await provider.deletePod(running, on: state.node)
            }
            releaseAddress(key, node: state.node)
            countPhase(from: states[key]?.writtenPhase, to: nil)
            states[key] = nil
            metrics.pods.set(Double(states.count))
        }
        guard let pod = desired, let node = pod.spec?.nodeName else { return .done }
        if states[key] == nil {
            states[key] = PodState(uid: pod.metadata.uid, node: node)
            metrics.pods.set(Double(states.count))
        }
        if pod.metadata.deletionTimestamp != nil { return try await terminate(pod, key: key, node: node) }

        var running = try await provider.pod(namespace: namespace, name: name)
        if running == nil {
            // A pod that ran to completion stays finished: nothing is started again.
            if let phase = pod.status?.phase, phase == "Succeeded" || phase == "Failed" { return .done }
            guard address(for: pod, key: key, node: node) != nil else {
                events.pod(pod, node: node, reason: "FailedCreatePodSandBox", message: "no IP address left in the node's pod CIDR", warning: true)
                return .retry
            }
            running = try await change(key) {
                do {
                    try await provider.createPod(pod, on: node)
                } catch {
                    events.pod(pod, node: node, reason: "FailedCreate", message: "\(error)", warning: true)
                    throw error
                }
            }
        } else if running?.spec != pod.spec {
            running = try await change(key) { try await provider.updatePod(pod, on: node) }
        }
        if let running { try await writeStatus(pod, reported: running, key: key, node: node) }
        return .done
    }

    /// Asks the provider for a change, then reads its pod. What the provider notices meanwhile (a mock
    /// pod runs as it is created) is in that read: the notices queue no second reconcile.
    private func change(_ key: String, _ request: () async throws -> Void) async throws -> Pod? {
        let (namespace, name) = Self.split(key)
        changing.insert(key)
        do {
            try await request()
        } catch {
            changing.remove(key)
            throw error
        }
        changing.remove(key)
        return try await provider.pod(namespace: namespace, name: name)
    }

    /// Graceful deletion: the provider stops the pod, then the object goes (grace 0, UID precondition)
    /// once the provider no longer has it or the grace period is over.
    private func terminate(_ pod: Pod, key: String, node: String) async throws -> ReconcileQueue.Outcome {
        let (namespace, name) = Self.split(key)
        if try await provider.pod(namespace: namespace, name: name) != nil {
            if states[key]?.deleteRequested != true {
                for container in pod.spec?.containers ?? [] {
                    events.pod(pod, node: node, container: container.name, reason: "Killing", message: .stoppingContainer(container.name ?? ""))
                }
                try await provider.deletePod(pod, on: node)
                states[key]?.deleteRequested = true
            }
            let deadline = pod.metadata.deletionTimestamp ?? .now()
            let remaining = deadline - Time.now()
            if try await provider.pod(namespace: namespace, name: name) != nil, remaining > .zero {
                return .after(remaining)
            }
        }
        try await deleteObject(pod)
        releaseAddress(key, node: node)
        return .done
    }

    private func deleteObject(_ pod: Pod) async throws(KubeError) {
        do {
            try await client.delete(
                Pod.self, name: pod.metadata.name ?? "", namespace: pod.metadata.namespace,
                options: DeleteOptions(gracePeriodSeconds: 0, preconditions: .init(uid: pod.metadata.uid)))
        } catch where error.isNotFound || error.isConflict {
            // Already gone, or a new pod took the name: nothing of ours to delete.
        }
    }

    /// Writes the provider's view of the pod through `/status`, only when it differs from the API
    /// server's. The agent adds what it owns: hostIP and the pod IPs.
    private func writeStatus(_ pod: Pod, reported: Pod, key: String, node: String) async throws {
        let current = pod.status ?? PodStatus()
        var status = current
        let provided = reported.status ?? PodStatus()
        status.phase = provided.phase ?? current.phase
        status.reason = provided.reason
        status.message = provided.message
        status.startTime = current.startTime ?? provided.startTime
        status.hostIP = configuration.nodeIP
        if let ip = address(for: pod, key: key, node: node) {
            status.podIP = ip
            status.podIPs = [PodIP(ip: ip)]
        }
        var conditions = current.conditions ?? []
        for condition in provided.conditions ?? [] {
            if let index = conditions.firstIndex(where: { $0.type == condition.type }) {
                // A condition whose status did not change keeps the time it last changed.
                var merged = condition
                if conditions[index].status == condition.status { merged.lastTransitionTime = conditions[index].lastTransitionTime }
                conditions[index] = merged
            } else {
                conditions.append(condition)
            }
        }
        status.conditions = conditions.isEmpty ? nil : conditions
        status.containerStatuses = provided.containerStatuses
        status.initContainerStatuses = provided.initContainerStatuses
        status = status.atWirePrecision
        // The informer's copy may predate the agent's last write: judge against that write then.
        let seenVersion = pod.metadata.resourceVersion.flatMap { Int($0) }
        let stale = states[key]?.writtenVersion.map { written in seenVersion.map { $0 < written } ?? true } ?? false
        let before = stale ? states[key]?.written ?? current : current
        if !stale { states[key]?.written = nil }
        // At wire precision, equal values encode alike; unequal ones may still (a field nil here and
        // empty there), so the JSON decides.
        guard status != before else { return }
        let (next, previous) = try await offLoop { [status] () throws(KubeError) in
            (try JSONValue(encoding: status), try JSONValue(encoding: before))
        }
        guard next != previous else { return }
        writeStarted(key)
        defer { writeEnded(key) }
        guard let writtenVersion = try await patchStatus(pod, next) else { return }
        countPhase(from: states[key]?.writtenPhase, to: status.phase)
        states[key]?.writtenPhase = status.phase
        states[key]?.written = status
        states[key]?.writtenVersion = writtenVersion
        recordContainerEvents(pod, before: before, after: status, node: node)
    }

    /// The resourceVersion the write gave the pod (nil if the answer lacks one), or nil when the pod
    /// is gone. Only the version is read from the answer: parsing the whole pod cost more than the
    /// rest of the write.
    private func patchStatus(_ pod: Pod, _ status: JSONValue) async throws(KubeError) -> Int?? {
        do {
            let answer = try await client.patchAnswer(
                Pod.resource, name: pod.metadata.name ?? "", namespace: pod.metadata.namespace, patch: ["status": status],
                type: .strategic, subresource: "status")
            return .some(JSONScanner.string(at: ["metadata", "resourceVersion"], in: answer).flatMap { Int($0) })
        } catch where error.isNotFound {
            return nil
        }
    }

    /// `Pulled`, `Created` and `Started` for each container that started since the last status, and
    /// the kubelet's `BackOff` warning for each that entered a crash back-off since.
    private func recordContainerEvents(_ pod: Pod, before: PodStatus, after: PodStatus, node: String) {
        let statuses = (after.initContainerStatuses ?? []) + (after.containerStatuses ?? [])
        let previous = (before.initContainerStatuses ?? []) + (before.containerStatuses ?? [])
        for status in statuses where status.state?.waiting?.reason == "CrashLoopBackOff" {
            let earlier = previous.first { $0.name == status.name }
            // Still the same back-off (same restart count): announced already.
            guard earlier?.state?.waiting?.reason != "CrashLoopBackOff" || earlier?.restartCount != status.restartCount else { continue }
            let container = status.name ?? ""
            let podName = "\(pod.metadata.name ?? "")_\(pod.metadata.namespace ?? "")(\(pod.metadata.uid ?? ""))"
            events.pod(
                pod, node: node, container: container, reason: "BackOff",
                message: "Back-off restarting failed container \(container) in pod \(podName)", warning: true)
        }
        for status in statuses where status.state?.running != nil || status.state?.terminated != nil {
            let earlier = previous.first { $0.name == status.name }
            guard earlier?.containerID != status.containerID || (earlier?.state?.running == nil && earlier?.state?.terminated == nil)
            else { continue }
            let container = status.name ?? ""
            events.pod(pod, node: node, container: container, reason: "Pulled", message: .imagePresent(image: status.image ?? ""))
            events.pod(pod, node: node, container: container, reason: "Created", message: .createdContainer(container))
            events.pod(pod, node: node, container: container, reason: "Started", message: .startedContainer(container))
        }
    }

    static func split(_ key: String) -> (namespace: String, name: String) {
        guard let slash = key.firstIndex(of: "/") else { return ("", key) }
        return (String(key[..<slash]), String(key[key.index(after: slash)...]))
    }
}
