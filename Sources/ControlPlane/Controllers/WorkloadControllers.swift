import Kube
import Loop

/// ReplicaSets keep their pod count, Deployments roll ReplicaSets, Jobs run pods to completion,
/// and disruption budgets get their status.
@LoopActor
final class WorkloadControllers {
    unowned let server: APIServer

    /// Pod creates sent through admission and not yet answered, per owner uid: counted as pods so a
    /// reconcile meanwhile does not create them twice (client-go's controller expectations).
    private var inFlight: [String: Int] = [:]

    init(server: APIServer) { self.server = server }

    private func inFlight(_ owner: JSONValue) -> Int { inFlight[owner["metadata"]?["uid"]?.stringValue ?? ""] ?? 0 }

    static func storageKey(ownerKind: String) -> String? {
        switch ownerKind {
        case "ReplicaSet": "apps/replicasets"
        case "Job": "batch/jobs"
        default: nil
        }
    }

    // MARK: ReplicaSet

    func reconcileReplicaSet(_ key: ObjectKey) {
        guard let set = server.store.get("apps/replicasets", key), set["metadata"]?["deletionTimestamp"] == nil else { return }
        let wanted = Int(set["spec"]?["replicas"]?.int64Value ?? 1)
        var pods = ownedPods(set)
        let expected = pods.count + inFlight(set)
        if expected < wanted {
            for _ in expected..<wanted { createPod(owner: set, kind: "ReplicaSet", apiVersion: "apps/v1") }
        } else if pods.count > wanted {
            // Unassigned first, then not ready, then the newest.
            let victims = pods.sorted { a, b in deletionRank(a.value) < deletionRank(b.value) }.prefix(pods.count - wanted)
            for victim in victims { server.deleteInternal("pods", victim.key) }
        }
        pods = ownedPods(set)
        let ready = Int64(pods.filter { Disruption.isReady($0.value) }.count)
        server.updateInternal("apps/replicasets", key) { object in
            var status = object["status"] ?? .object([:])
            status["replicas"] = .integer(Int64(pods.count))
            status["fullyLabeledReplicas"] = .integer(Int64(pods.count))
            status["readyReplicas"] = ready > 0 ? .integer(ready) : nil
            status["availableReplicas"] = ready > 0 ? .integer(ready) : nil
            status["observedGeneration"] = object["metadata"]?["generation"]
            object["status"] = status
        }
    }

    private func deletionRank(_ pod: JSONValue) -> (Int, String) {
        let assigned = pod["spec"]?["nodeName"]?.stringValue?.isEmpty == false
        let ready = Disruption.isReady(pod)
        let created = pod["metadata"]?["creationTimestamp"]?.stringValue ?? ""
        return (assigned ? (ready ? 2 : 1) : 0, String(created.reversed()))
    }

    /// Live pods whose controller is `owner`.
    private func ownedPods(_ owner: JSONValue) -> [(key: ObjectKey, value: JSONValue)] {
        let uid = owner["metadata"]?["uid"]?.stringValue
        let namespace = owner["metadata"]?["namespace"]?.stringValue
        return server.store.list("pods", namespace: namespace).filter { _, pod in
            pod["metadata"]?["deletionTimestamp"] == nil
                && (pod["metadata"]?["ownerReferences"]?.arrayValue ?? []).contains {
                    $0["uid"]?.stringValue == uid && $0["controller"] == true
                }
        }
    }

    private func createPod(owner: JSONValue, kind: String, apiVersion: String, extraLabels: [String: String] = [:]) {
        let template = owner["spec"]?["template"] ?? .object([:])
        let name = owner["metadata"]?["name"]?.stringValue ?? ""
        var metadata = template["metadata"] ?? .object([:])
        metadata["generateName"] = .string(name + "-")
        metadata["namespace"] = owner["metadata"]?["namespace"]
        for (label, value) in extraLabels { metadata["labels"] = metadata["labels"] ?? .object([:]); metadata["labels"]?[label] = .string(value) }
        metadata["ownerReferences"] = [[
            "apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name),
            "uid": owner["metadata"]?["uid"] ?? .null, "controller": true, "blockOwnerDeletion": true,
        ]]
        let pod: JSONValue = ["kind": "Pod", "apiVersion": "v1", "metadata": metadata, "spec": template["spec"] ?? .object([:])]
        guard server.hasAdmissionWebhooks else {
            server.createInternal("pods", pod)
            return
        }
        // Through mutating admission, as the controller's service account, like kube-controller-manager's creates.
        let uid = owner["metadata"]?["uid"]?.stringValue ?? ""
        let controller = kind == "Job" ? "job-controller" : "replicaset-controller"
        let storageKey = Self.storageKey(ownerKind: kind) ?? ""
        let ownerKey = ObjectKey(namespace: owner["metadata"]?["namespace"]?.stringValue ?? "", name: name)
        inFlight[uid, default: 0] += 1
        Task { @LoopActor [server] in
            let identity = Identity(
                user: "system:serviceaccount:kube-system:\(controller)",
                groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"])
            let failure = await server.createAdmitted(pod, as: identity)
            self.inFlight[uid, default: 1] -= 1
            guard let failure else { return }
            server.recordEvent(
                about: owner, reason: "FailedCreate", message: "Error creating: \(failure.message)", type: "Warning",
                component: controller)
            // Try again a little later, as the controller's rate-limited queue would.
            server.configuration.clock.schedule(after: .seconds(1)) { [server] in
                server.controllers.observe(
                    server.registry.types.first { $0.storageKey == storageKey }!, key: ownerKey, old: nil, new: nil)
            }
        }
    }

    // MARK: Deployment

    func reconcileDeployment(_ key: ObjectKey) {
        guard let deployment = server.store.get("apps/deployments", key), deployment["metadata"]?["deletionTimestamp"] == nil
        else { return }
        let desired = deployment["spec"]?["replicas"]?.int64Value ?? 1
        let hash = Self.templateHash(deployment["spec"]?["template"] ?? .null)
        let uid = deployment["metadata"]?["uid"]?.stringValue
        let owned = server.store.list("apps/replicasets", namespace: key.namespace).filter { _, set in
            (set["metadata"]?["ownerReferences"]?.arrayValue ?? []).contains { $0["uid"]?.stringValue == uid }
        }
        let newSet = owned.first { $0.value["metadata"]?["labels"]?["pod-template-hash"]?.stringValue == hash }
        let oldSets = owned.filter { $0.key != newSet?.key }
        let newKey = newSet?.key ?? ObjectKey(namespace: key.namespace, name: "\(key.name)-\(hash)")
        if newSet == nil { createReplicaSet(for: deployment, hash: hash, replicas: 0) }

        let replicas = { (set: JSONValue) in set["spec"]?["replicas"]?.int64Value ?? 0 }
        let available = { (set: JSONValue) in set["status"]?["availableReplicas"]?.int64Value ?? 0 }
        let oldTotal = oldSets.reduce(0) { $0 + replicas($1.value) }
        let current = newSet.map { replicas($0.value) } ?? 0
        let strategy = deployment["spec"]?["strategy"]
        if strategy?["type"]?.stringValue == "Recreate" {
            for set in oldSets { scale(set.key, to: 0) }
            let oldPods = oldSets.reduce(0) { $0 + ($1.value["status"]?["replicas"]?.int64Value ?? 0) }
            if oldPods == 0 { scale(newKey, to: desired) }
        } else {
            let surge = Disruption.resolve(strategy?["rollingUpdate"]?["maxSurge"] ?? "25%", of: desired, roundUp: true)
            var unavailable = Disruption.resolve(strategy?["rollingUpdate"]?["maxUnavailable"] ?? "25%", of: desired, roundUp: false)
            if surge == 0, unavailable == 0 { unavailable = 1 }
            let target = min(desired, max(current, desired + surge - oldTotal))
            if target != current || newSet == nil { scale(newKey, to: target) }
            // Old replicas go as far as availability allows; unavailable old replicas can always go.
            let newAvailable = newSet.map { available($0.value) } ?? 0
            var removable = max(0, newAvailable + oldSets.reduce(0) { $0 + available($1.value) } - (desired - unavailable))
            for set in oldSets {
                let unhealthy = max(0, replicas(set.value) - available(set.value))
                let cut = min(replicas(set.value), unhealthy + removable)
                removable -= max(0, cut - unhealthy)
                if cut > 0 { scale(set.key, to: replicas(set.value) - cut) }
            }
        }
        updateDeploymentStatus(key, hash: hash)
    }

    private func updateDeploymentStatus(_ key: ObjectKey, hash: String) {
        guard let deployment = server.store.get("apps/deployments", key) else { return }
        let uid = deployment["metadata"]?["uid"]?.stringValue
        let sets = server.store.list("apps/replicasets", namespace: key.namespace).map(\.value).filter { set in
            (set["metadata"]?["ownerReferences"]?.arrayValue ?? []).contains { $0["uid"]?.stringValue == uid }
        }
        func sum(_ field: String, _ sets: [JSONValue]) -> Int64 { sets.reduce(0) { $0 + ($1["status"]?[field]?.int64Value ?? 0) } }
        let updated = sets.filter { $0["metadata"]?["labels"]?["pod-template-hash"]?.stringValue == hash }
        let desired = deployment["spec"]?["replicas"]?.int64Value ?? 1
        let availableCount = sum("availableReplicas", sets)
        let now = server.configuration.now().rfc3339
        server.updateInternal("apps/deployments", key) { object in
            var status = object["status"] ?? .object([:])
            status["observedGeneration"] = object["metadata"]?["generation"]
            status["replicas"] = .integer(sum("replicas", sets))
            status["updatedReplicas"] = .integer(sum("replicas", updated))
            status["readyReplicas"] = availableCount > 0 ? .integer(sum("readyReplicas", sets)) : nil
            status["availableReplicas"] = availableCount > 0 ? .integer(availableCount) : nil
            let unavailable = max(0, desired - availableCount)
            status["unavailableReplicas"] = unavailable > 0 ? .integer(unavailable) : nil
            let isAvailable = availableCount >= desired - Disruption.resolve(
                object["spec"]?["strategy"]?["rollingUpdate"]?["maxUnavailable"] ?? "25%", of: desired, roundUp: false)
            let previous = status["conditions"]?.arrayValue?.first { $0["type"] == "Available" }
            let statusText: JSONValue = isAvailable ? "True" : "False"
            if previous?["status"] != statusText {
                status["conditions"] = [[
                    "type": "Available", "status": statusText, "lastUpdateTime": .string(now), "lastTransitionTime": .string(now),
                    "reason": isAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                    "message": isAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
                ]]
            }
            object["status"] = status
        }
    }

    private func createReplicaSet(for deployment: JSONValue, hash: String, replicas: Int64) {
        let name = deployment["metadata"]?["name"]?.stringValue ?? ""
        var template = deployment["spec"]?["template"] ?? .object([:])
        if template["metadata"] == nil { template["metadata"] = .object([:]) }
        if template["metadata"]?["labels"] == nil { template["metadata"]?["labels"] = .object([:]) }
        template["metadata"]?["labels"]?["pod-template-hash"] = .string(hash)
        var selector = deployment["spec"]?["selector"] ?? .object([:])
        if selector["matchLabels"] == nil { selector["matchLabels"] = .object([:]) }
        selector["matchLabels"]?["pod-template-hash"] = .string(hash)
        var labels = deployment["spec"]?["template"]?["metadata"]?["labels"] ?? .object([:])
        labels["pod-template-hash"] = .string(hash)
        server.createInternal("replicasets", group: "apps", [
            "kind": "ReplicaSet", "apiVersion": "apps/v1",
            "metadata": [
                "name": .string("\(name)-\(hash)"), "namespace": deployment["metadata"]?["namespace"] ?? .null,
                "labels": labels,
                "annotations": ["deployment.kubernetes.io/desired-replicas": .string(String(deployment["spec"]?["replicas"]?.int64Value ?? 1))],
                "ownerReferences": [[
                    "apiVersion": "apps/v1", "kind": "Deployment", "name": .string(name),
                    "uid": deployment["metadata"]?["uid"] ?? .null, "controller": true, "blockOwnerDeletion": true,
                ]],
            ],
            "spec": ["replicas": .integer(replicas), "selector": selector, "template": template],
        ])
    }

    private func scale(_ key: ObjectKey, to replicas: Int64) {
        server.updateInternal("apps/replicasets", key) { $0["spec"]?["replicas"] = .integer(replicas) }
    }

    /// The pod-template-hash label: FNV-1a of the template, in the alphabet generated names use.
    static func templateHash(_ template: JSONValue) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in template.serialized() { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String(String(hash).map { alphabet[Int($0.asciiValue! - 48) % alphabet.count] })
    }

    // MARK: Job

    func reconcileJob(_ key: ObjectKey) {
        guard let job = server.store.get("batch/jobs", key), job["metadata"]?["deletionTimestamp"] == nil else { return }
        if (job["status"]?["conditions"]?.arrayValue ?? []).contains(where: { $0["status"] == "True" }) { return }
        let pods = ownedPods(job)
        let phase = { (pod: JSONValue) in pod["status"]?["phase"]?.stringValue ?? "" }
        let succeeded = Int64(pods.filter { phase($0.value) == "Succeeded" }.count)
        let failed = Int64(pods.filter { phase($0.value) == "Failed" }.count)
        let active = pods.filter { !["Succeeded", "Failed"].contains(phase($0.value)) }
        let completions = job["spec"]?["completions"]?.int64Value ?? 1
        let parallelism = job["spec"]?["parallelism"]?.int64Value ?? 1
        let now = server.configuration.now().rfc3339
        var condition: JSONValue?
        if succeeded >= completions {
            condition = ["type": "Complete", "status": "True", "lastProbeTime": .string(now), "lastTransitionTime": .string(now)]
        } else if failed > job["spec"]?["backoffLimit"]?.int64Value ?? 6 {
            for pod in active { server.deleteInternal("pods", pod.key, gracePeriodSeconds: 0) }
            condition = [
                "type": "Failed", "status": "True", "lastProbeTime": .string(now), "lastTransitionTime": .string(now),
                "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit",
            ]
        } else {
            let wanted = min(parallelism, completions - succeeded) - Int64(active.count + inFlight(job))
            let uid = job["metadata"]?["uid"]?.stringValue ?? ""
            for _ in 0..<max(0, wanted) {
                createPod(owner: job, kind: "Job", apiVersion: "batch/v1", extraLabels: ["controller-uid": uid, "job-name": key.name])
            }
        }
        let activeNow = Int64(ownedPods(job).filter { !["Succeeded", "Failed"].contains(phase($0.value)) }.count)
        server.updateInternal("batch/jobs", key) { object in
            var status = object["status"] ?? .object([:])
            if status["startTime"] == nil { status["startTime"] = .string(now) }
            status["active"] = activeNow > 0 ? .integer(activeNow) : nil
            status["succeeded"] = succeeded > 0 ? .integer(succeeded) : nil
            status["failed"] = failed > 0 ? .integer(failed) : nil
            if let condition {
                status["conditions"] = [condition]
                if condition["type"] == "Complete" { status["completionTime"] = .string(now) }
            }
            object["status"] = status
        }
    }

    // MARK: PodDisruptionBudget

    func reconcileBudget(_ key: ObjectKey) {
        guard let budget = server.store.get("policy/poddisruptionbudgets", key) else { return }
        let computed = Disruption.status(budget, pods: server.store.list("pods", namespace: key.namespace).map(\.value))
        server.updateInternal("policy/poddisruptionbudgets", key) { object in
            var status = object["status"] ?? .object([:])
            status["observedGeneration"] = object["metadata"]?["generation"]
            status["disruptionsAllowed"] = .integer(computed.disruptionsAllowed)
            status["currentHealthy"] = .integer(computed.currentHealthy)
            status["desiredHealthy"] = .integer(computed.desiredHealthy)
            status["expectedPods"] = .integer(computed.expectedPods)
            object["status"] = status
        }
    }
}
