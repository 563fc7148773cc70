import HTTP
import Foundation
import Kube
import Loop

extension APIServer {
    /// Loads a saved store before `start`, and serves the custom resources its CRDs define.
    public func restore(_ state: JSONValue) throws(StateError) {
        try store.importState(state)
        for (_, definition) in store.list("apiextensions.k8s.io/customresourcedefinitions", namespace: nil) {
            registry.setCustom(definition["metadata"]?["name"]?.stringValue ?? "", types: Self.servedTypes(definition))
        }
    }

    /// The namespaces every cluster starts with, each with its default service account.
    func bootstrap() {
        for name in ["default", "kube-system", "kube-public", "kube-node-lease"]
        where store.get("namespaces", ObjectKey(namespace: "", name: name)) == nil {
            createInternal("namespaces", ["kind": "Namespace", "apiVersion": "v1", "metadata": ["name": .string(name)]])
        }
    }

    /// Creates an object on the server's own behalf (controllers), with the same defaults a client gets.
    @discardableResult
    func createInternal(_ resource: String, group: String = "", _ object: JSONValue) -> JSONValue? {
        guard let type = registry.types.first(where: { $0.resource == resource && $0.group == group }) else { return nil }
        var object = object
        let namespace = type.namespaced ? object["metadata"]?["namespace"]?.stringValue ?? "" : ""
        var metadata = object["metadata"] ?? .object([:])
        if metadata["name"]?.stringValue == nil, let prefix = metadata["generateName"]?.stringValue {
            metadata["name"] = .string(prefix + ObjectMetaRules.randomSuffix())
        }
        let name = metadata["name"]?.stringValue ?? ""
        let key = ObjectKey(namespace: namespace, name: name)
        guard store.get(type.storageKey, key) == nil else { return nil }
        stampNew(&metadata, type, name: name)
        object["metadata"] = ObjectMetaRules.canonical(metadata)
        Strategy.prepareForCreate(&object, type)
        if type.resource == "pods" {
            PodDefaults.apply(to: &object, tokenSecret: tokenSecretName(namespace: namespace, pod: object))
        }
        let stored = store.put(type.storageKey, key, object)
        afterWrite(type, key: key, old: nil, new: stored)
        return stored
    }

    /// A core/v1 Event about `object`, as the controllers and the scheduler record them.
    func recordEvent(about object: JSONValue, reason: String, message: String, type: String, component: String) {
        let namespace = object["metadata"]?["namespace"]?.stringValue ?? "default"
        let name = object["metadata"]?["name"]?.stringValue ?? ""
        let now = configuration.now().rfc3339
        createInternal("events", [
            "kind": "Event", "apiVersion": "v1",
            "metadata": ["generateName": .string(name + "."), "namespace": .string(namespace)],
            "involvedObject": [
                "kind": object["kind"] ?? .null, "namespace": .string(namespace), "name": .string(name),
                "uid": object["metadata"]?["uid"] ?? .null, "apiVersion": object["apiVersion"] ?? .null,
                "resourceVersion": object["metadata"]?["resourceVersion"] ?? .null,
            ],
            "reason": .string(reason), "message": .string(message), "source": ["component": .string(component)],
            "firstTimestamp": .string(now), "lastTimestamp": .string(now), "count": 1, "type": .string(type),
            "reportingComponent": "", "reportingInstance": "",
        ])
    }

    /// Whether any admission webhook is configured (controllers then create through admission).
    var hasAdmissionWebhooks: Bool {
        store.count(Self.mutatingWebhookConfigurations) + store.count(Self.validatingWebhookConfigurations) > 0
    }

    /// Creates a pod on a controller's behalf through mutating admission, as `identity`; returns
    /// the error that stopped it, or nil once stored.
    func createAdmitted(_ pod: JSONValue, as identity: Identity) async -> APIError? {
        let pods = registry.lookup(group: "", version: "v1", resource: "pods")!
        let namespace = pod["metadata"]?["namespace"]?.stringValue ?? ""
        let path = pods.path(namespace: namespace)
        var object = pod
        Strategy.prepareForCreate(&object, pods)
        PodDefaults.apply(to: &object, tokenSecret: tokenSecretName(namespace: namespace, pod: object))
        object["metadata"]?["creationTimestamp"] = .null
        let context = RequestContext(
            request: HTTPRequest(method: .post, target: path), info: RequestInfo(path: path[...])!, type: pods, verb: "create",
            query: QueryParameters(), identity: identity)
        do {
            var admitted = try await admit(object, old: nil, operation: "CREATE", context: context)
            admitted["metadata"]?["creationTimestamp"] = nil
            guard createInternal("pods", admitted) != nil else { return APIError.alreadyExists(pods, "") }
            return nil
        } catch {
            return error
        }
    }

    /// Changes a stored object on the server's own behalf; nothing is written when `change` leaves it as it was.
    @discardableResult
    func updateInternal(_ storageKey: String, _ key: ObjectKey, _ change: (inout JSONValue) -> Void) -> JSONValue? {
        guard let old = store.get(storageKey, key), let type = registry.types.first(where: { $0.storageKey == storageKey })
        else { return nil }
        var new = old
        change(&new)
        guard new != old else { return old }
        let stored = store.put(storageKey, key, new)
        afterWrite(type, key: key, old: old, new: stored)
        return stored
    }

    /// Deletes on the server's own behalf, with the same rules as a client's delete.
    func deleteInternal(_ storageKey: String, _ key: ObjectKey, gracePeriodSeconds: Int64? = nil) {
        guard let current = store.get(storageKey, key), let type = registry.types.first(where: { $0.storageKey == storageKey })
        else { return }
        var options = DeleteRequest()
        options.gracePeriodSeconds = gracePeriodSeconds
        _ = deleteObject(type, key: key, current: current, options: options)
    }

    /// What follows a write, synchronously, as the controllers of a real cluster would soon after.
    func afterWrite(_ type: ResourceType, key: ObjectKey, old: JSONValue?, new: JSONValue?) {
        switch (type.resource, old, new) {
        case ("namespaces", nil, let namespace?):
            createServiceAccount(namespace: key.name, name: "default", owner: namespace)
        case ("namespaces", _, let namespace?) where namespace["status"]?["phase"]?.stringValue == "Terminating":
            finishNamespaceDeletion(key.name)
        case (_, let removed?, nil):
            collectDependents(of: removed)
        default:
            break
        }
        if type.storageKey == "apiextensions.k8s.io/customresourcedefinitions" {
            customResourceDefinitionChanged(key, new: new)
        }
        controllers.observe(type, key: key, old: old, new: new)
    }

    /// The service account and its token secret, as the token controller makes them.
    private func createServiceAccount(namespace: String, name: String, owner: JSONValue) {
        let secretName = "\(name)-token-\(ObjectMetaRules.randomSuffix())"
        createInternal("serviceaccounts", [
            "kind": "ServiceAccount", "apiVersion": "v1",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "secrets": [["name": .string(secretName)]],
        ])
        let token = Data(ObjectMetaRules.newUID().utf8).base64EncodedString()
        createInternal("secrets", [
            "kind": "Secret", "apiVersion": "v1",
            "metadata": [
                "name": .string(secretName), "namespace": .string(namespace),
                "annotations": ["kubernetes.io/service-account.name": .string(name)],
            ],
            "data": ["namespace": .string(Data(namespace.utf8).base64EncodedString()), "token": .string(token)],
            "type": "kubernetes.io/service-account-token",
        ])
    }

    /// The namespace controller: delete everything in the namespace, then the namespace.
    private func finishNamespaceDeletion(_ namespace: String) {
        for storageKey in Set(registry.types.filter(\.namespaced).map(\.storageKey)) {
            for (key, _) in store.list(storageKey, namespace: namespace) {
                if let removed = store.remove(storageKey, key) { collectDependents(of: removed) }
            }
        }
        store.remove("namespaces", ObjectKey(namespace: "", name: namespace))
    }

    /// The garbage collector: objects whose owner is gone go too (background propagation).
    func collectDependents(of owner: JSONValue) {
        guard let uid = owner["metadata"]?["uid"]?.stringValue else { return }
        let namespace = owner["metadata"]?["namespace"]?.stringValue
        for dependent in store.dependents(ofUID: uid) where namespace == nil || dependent.key.namespace == namespace {
            if let removed = store.remove(dependent.storageKey, dependent.key) { collectDependents(of: removed) }
        }
    }
}
