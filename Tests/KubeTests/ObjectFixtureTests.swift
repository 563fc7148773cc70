import Foundation
import Kube
import Testing

/// Every recorded object of a modelled kind decodes, and re-encodes to a sub-document of itself.
@Suite struct ObjectFixtureTests {
    @Test func everyModelledFixtureRoundTripsAsASubDocument() throws {
        var checked: [String: Int] = [:]
        for name in try ObjectFixtures.names(withSuffix: ".json") {
            let data = try ObjectFixtures.data(name)
            guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else { continue }
            let result: (kind: String, encoded: Data)?
            do {
                result = try ObjectFixtures.roundTrip(data)
            } catch {
                Issue.record("\(name) does not decode: \(error)")
                continue
            }
            guard let (kind, encoded) = result else { continue }
            checked[kind, default: 0] += 1
            // Request bodies may hold timestamps the server would normalise (offsets, other precisions).
            let mismatches = try ObjectFixtures.mismatches(
                encoded: encoded, fixture: data, normalizingTimes: name.hasSuffix(".req.json"))
            #expect(mismatches.isEmpty, "\(name): \(mismatches.prefix(8))")
        }
        let kinds = [
            "Node", "Lease", "LeaseList", "Namespace", "Pod", "PodList", "Secret", "ServiceAccount", "Binding",
            "Eviction", "PodDisruptionBudget", "Event", "EventList", "Deployment", "AdmissionReview",
            "CustomResourceDefinition",
        ]
        for kind in kinds { #expect(checked[kind, default: 0] > 0, "no \(kind) fixture was checked") }
        #expect(checked.values.reduce(0, +) >= 100)
    }

    @Test func watchStreamPodsRoundTrip() throws {
        var pods = 0
        for name in try ObjectFixtures.names(withSuffix: ".stream.jsonl") {
            let text = String(decoding: try ObjectFixtures.data(name), as: UTF8.self)
            for line in text.split(separator: "\n") {
                let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                guard let object = event["object"] as? [String: Any], object["kind"] as? String == "Pod" else { continue }
                let data = try JSONSerialization.data(withJSONObject: object)
                let pod = try JSONDecoder().decode(Pod.self, from: data)
                let mismatches = try ObjectFixtures.mismatches(encoded: JSONEncoder().encode(pod), fixture: data)
                #expect(mismatches.isEmpty, "\(name): \(mismatches.prefix(8))")
                if event["type"] as? String == "BOOKMARK" {
                    #expect(pod.metadata.resourceVersion != nil && pod.metadata.creationTimestamp == nil)
                    #expect(pod.spec?.containers == nil)
                }
                pods += 1
            }
        }
        #expect(pods > 10)
    }

    @Test func node() throws {
        let node = try ObjectFixtures.decode(Node.self, "02-nodes-08-patch-smp-taints.resp.json")
        #expect(node.metadata.name == "fx-node-1")
        #expect(node.spec?.providerID == "mock://fx-node-1")
        #expect(node.spec?.taints?.map(\.key) == ["virtual-kubelet.io/provider", "fx/maintenance"])
        #expect(node.status?.capacity?["memory"] == "32Gi")
        #expect(node.status?.capacity?["memory"]?.value == 32 << 30)
        #expect(node.status?.allocatable?["cpu"]?.milliValue == 8000)
        #expect(node.status?.daemonEndpoints?.kubeletEndpoint?.port == 10250)
        #expect(node.status?.nodeInfo?.architecture != nil)
        let ready = try #require(node.status?.conditions?.first { $0.type == "Ready" })
        #expect(ready.lastHeartbeatTime != nil && ready.status != nil)

        // Ready.lastHeartbeatTime was sent with microseconds and is stored truncated.
        let request = try ObjectFixtures.decode(Node.self, "02-nodes-01-create.req.json")
        let response = try ObjectFixtures.decode(Node.self, "02-nodes-01-create.resp.json")
        let sent = try #require(request.status?.conditions?.first { $0.type == "Ready" }?.lastHeartbeatTime)
        let stored = try #require(response.status?.conditions?.first { $0.type == "Ready" }?.lastHeartbeatTime)
        #expect(sent == stored)

        // The node controller stamps the taints it adds with timeAdded.
        let stamped = try ObjectFixtures.decode(Node.self, "02-nodes-04-patch-status-smp-ready-true.resp.json")
        #expect(stamped.spec?.taints?.contains { $0.timeAdded != nil } == true)
    }

    @Test func leaseMicroTimeRoundTripsExactly() throws {
        let lease = try ObjectFixtures.decode(Lease.self, "03-leases-02-get.resp.json")
        #expect(lease.spec?.holderIdentity == "fx-node-1")
        #expect(lease.spec?.leaseDurationSeconds == 40)
        let raw = try #require(
            try JSONSerialization.jsonObject(with: ObjectFixtures.data("03-leases-02-get.resp.json")) as? [String: Any])
        let renewTime = try #require((raw["spec"] as? [String: Any])?["renewTime"] as? String)
        #expect(lease.spec?.renewTime?.rfc3339 == renewTime)

        // A numeric offset is accepted and written back in UTC, as the server answered.
        let offset = try ObjectFixtures.decode(Lease.self, "03-leases-07-put-renewtime-offset.req.json")
        let answered = try ObjectFixtures.decode(Lease.self, "03-leases-07-put-renewtime-offset.resp.json")
        #expect(offset.spec?.renewTime == answered.spec?.renewTime)
        #expect(answered.spec?.renewTime?.rfc3339 == "2026-11-22T03:00:03.654321Z")

        let list = try ObjectFixtures.decode(ObjectList<Lease>.self, "03-leases-10-list-by-name.resp.json")
        #expect(list.kind == "LeaseList" && list.items.count == 1)
        #expect(list.items[0].spec?.renewTime?.rfc3339 == "2026-11-22T05:00:03.493583Z")
        #expect(list.items[0].apiVersion == nil)  // list items carry no envelope on the wire
    }

    @Test func podSpecAndStatus() throws {
        let pod = try ObjectFixtures.decode(Pod.self, "04-pods-04-put-status-full-object.resp.json")
        let spec = try #require(pod.spec)
        #expect(spec.nodeName == "fx-node-1")
        #expect(spec.serviceAccountName == "default" && spec.enableServiceLinks == true && spec.priority == 0)
        #expect(spec.tolerations?.filter { $0.tolerationSeconds == 300 }.count == 2)
        #expect(spec.volumes?.first?.secret?.defaultMode == 420)
        #expect(spec.volumes?.first?.otherSources.isEmpty == true)
        let container = try #require(spec.containers?.first)
        #expect(container.command == ["sleep", "3600"])
        #expect(container.resources?.requests?["cpu"]?.milliValue == 100)
        #expect(container.resources?.limits?["memory"] == "128Mi")
        #expect(container.volumeMounts?.first?.readOnly == true)
        #expect(spec.securityContext == .object(JSONObject()))

        let status = try #require(pod.status)
        #expect(status.phase == "Running" && status.qosClass == "Burstable")
        #expect(status.podIPs?.map(\.ip) == ["10.244.0.5"])
        #expect(status.conditions?.count == 4 && status.conditions?.allSatisfy { $0.lastProbeTime == nil } == true)
        let containerStatus = try #require(status.containerStatuses?.first)
        #expect(containerStatus.state?.running?.startedAt == Time(rfc3339: "2026-11-22T05:00:53Z"))
        #expect(containerStatus.lastState?.terminated?.exitCode == 137)
        #expect(containerStatus.restartCount == 1 && containerStatus.started == true)

        let terminating = try ObjectFixtures.decode(Pod.self, "04-pods-08-get-while-terminating.resp.json")
        #expect(terminating.metadata.deletionTimestamp?.rfc3339 == "2026-11-22T05:01:23Z")
        #expect(terminating.metadata.deletionGracePeriodSeconds == 30)

        let owned = try ObjectFixtures.decode(Pod.self, "08-admission-03-get-replicaset-pod-after-mutation.resp.json")
        #expect(owned.metadata.ownerReferences?.first?.kind == "ReplicaSet")
        #expect(owned.metadata.ownerReferences?.first?.controller == true)
        #expect(owned.metadata.generateName != nil)
    }

    @Test func podList() throws {
        let list = try ObjectFixtures.decode(ObjectList<Pod>.self, "06-list-01-pods-limit2.resp.json")
        #expect(list.items.count == 2)
        #expect(list.metadata?.remainingItemCount == 2)
        #expect(list.metadata?.continue?.isEmpty == false)
        let empty = try ObjectFixtures.decode(ObjectList<Pod>.self, "06-list-14-empty-list.resp.json")
        #expect(empty.items.isEmpty)
    }

    @Test func events() throws {
        let event = try ObjectFixtures.decode(Event.self, "07-events-03-get.resp.json")
        #expect(event.count == 2 && event.type == "Normal" && event.reason == "Started")
        #expect(event.involvedObject?.fieldPath == "spec.containers{c}")
        #expect(event.source == EventSource(component: "kubelet", host: "fx-node-1"))
        #expect(event.eventTime == nil)
        #expect(event.lastTimestamp?.rfc3339 == "2026-11-22T05:04:04Z")

        let newAPI = try ObjectFixtures.decode(Event.self, "07-events-07-create-events.k8s.io-v1.resp.json")
        #expect(newAPI.apiVersion == "events.k8s.io/v1")
        let eventTime = try #require(newAPI.eventTime)
        #expect(eventTime.rfc3339.count == "2026-11-22T05:04:04.000000Z".count)
        let list = try ObjectFixtures.decode(ObjectList<Event>.self, "07-events-04-list-for-pod-fieldselector.resp.json")
        #expect(!list.items.isEmpty)
    }

    @Test func policyBindingAndServiceAccounts() throws {
        let pdb = try ObjectFixtures.decode(PodDisruptionBudget.self, "04-pods-23-get-pdb-status.resp.json")
        #expect(pdb.apiVersion == "policy/v1beta1")
        #expect(pdb.spec?.minAvailable == .integer(1))
        #expect(pdb.spec?.selector?.matches(labels: ["app": "fx-pdb"]) == true)
        #expect(pdb.status?.disruptionsAllowed == 0 && pdb.status?.expectedPods == 1)

        let eviction = try ObjectFixtures.decode(Eviction.self, "04-pods-20-eviction-success.req.json")
        #expect(eviction.metadata.name == "fx-pod-evict" && eviction.deleteOptions == nil)

        let binding = try ObjectFixtures.decode(Binding.self, "04-pods-14-binding.req.json")
        #expect(binding.target == ObjectReference(apiVersion: "v1", kind: "Node", name: "fx-node-1"))

        let secret = try ObjectFixtures.decode(Secret.self, "04-pods-02b-get-serviceaccount-token-secret.resp.json")
        #expect(secret.type == "kubernetes.io/service-account-token")
        #expect(secret.data?["namespace"].flatMap { Data(base64Encoded: $0) } == Data("fx".utf8))

        let account = try ObjectFixtures.decode(ServiceAccount.self, "04-pods-02c-get-serviceaccount-default.resp.json")
        #expect(account.secrets?.first?.name == secret.metadata.name)

        let namespace = try ObjectFixtures.decode(Namespace.self, "04-pods-00-create-namespace.resp.json")
        #expect(namespace.spec?.finalizers == ["kubernetes"] && namespace.status?.phase == "Active")
    }

    @Test func deploymentTemplate() throws {
        let deployment = try ObjectFixtures.decode(Deployment.self, "08-admission-02-create-deployment.resp.json")
        #expect(deployment.spec?.strategy?.type == "RollingUpdate")
        #expect(deployment.spec?.strategy?.rollingUpdate?.maxSurge == .string("25%"))
        let template = try #require(deployment.spec?.template)
        #expect(deployment.spec?.selector?.matches(labels: template.metadata?.labels ?? [:]) == true)
        #expect(template.spec?.containers?.count == 1)
    }

    @Test func admissionReviewsKeepTheirVersion() throws {
        let v1 = try ObjectFixtures.decode(
            AdmissionReview.self, "08-admission-04-review-v1-request-from-replicaset-pod.webhook-received.json")
        let request = try #require(v1.request)
        #expect(v1.apiVersion == AdmissionReview.v1)
        #expect(request.kind == GroupVersionKind(group: "", version: "v1", kind: "Pod"))
        #expect(request.resource == GroupVersionResource(group: "", version: "v1", resource: "pods"))
        #expect(request.name == nil && request.operation == "CREATE" && request.dryRun == false)
        #expect(request.oldObject == nil)
        #expect(request.userInfo?.username == "system:serviceaccount:kube-system:replicaset-controller")
        #expect(request.object?["metadata"]?["generateName"] != nil)
        #expect(request.options?["kind"] == .string("CreateOptions"))
        // The object decodes as a typed Pod too.
        let podData = try JSONEncoder().encode(try #require(request.object))
        #expect(try JSONDecoder().decode(Pod.self, from: podData).spec?.containers?.isEmpty == false)

        let reply = AdmissionReview(
            replyingTo: v1, with: AdmissionResponse(allowed: true, patch: "W10=", patchType: "JSONPatch"))
        #expect(reply.apiVersion == AdmissionReview.v1 && reply.response?.uid == request.uid)

        let v1beta1 = try ObjectFixtures.decode(AdmissionReview.self, "08-admission-06-review-v1beta1-request.webhook-received.json")
        #expect(v1beta1.apiVersion == AdmissionReview.v1beta1 && v1beta1.request?.name != nil)
        let betaReply = AdmissionReview(replyingTo: v1beta1, with: AdmissionResponse(allowed: false))
        let encoded = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(betaReply)) as? [String: Any])
        #expect(encoded["apiVersion"] as? String == AdmissionReview.v1beta1)
        #expect(encoded["kind"] as? String == "AdmissionReview" && encoded["request"] == nil)

        let denied = try ObjectFixtures.decode(AdmissionReview.self, "08-admission-12-review-request-deny-case.webhook-replied.json")
        #expect(denied.response?.allowed == false && denied.response?.status?.code == 403)
    }

    @Test func customResourceDefinition() throws {
        let crd = try ObjectFixtures.decode(CustomResourceDefinition.self, "09-crd-02-get-crd-established.resp.json")
        #expect(crd.spec?.group == "fx.example.com" && crd.spec?.scope == "Namespaced")
        #expect(crd.spec?.names?.plural == "fxwidgets" && crd.spec?.names?.kind == "FxWidget")
        let version = try #require(crd.spec?.versions?.first)
        #expect(version.served == true && version.storage == true)
        #expect(version.schema?.openAPIV3Schema?["type"] == .string("object"))
        #expect(crd.status?.conditions?.contains { $0.type == "Established" && $0.status == "True" } == true)
        #expect(crd.status?.storedVersions == ["v1"])
    }
}
