import Foundation
import Kube

/// MutatingAdmissionWebhook, then ValidatingAdmissionWebhook: every MutatingWebhookConfiguration
/// (in name order, then webhooks in list order) whose rules and selectors match a write gets an
/// AdmissionReview and may deny it or patch the object; then every matching validating webhook sees
/// the result and may deny it (one after the other here, where the apiserver calls them in
/// parallel). Each webhook is called once (`reinvocationPolicy: IfNeeded` is not honoured) and
/// `matchPolicy` is treated as Exact.
extension APIServer {
    static let mutatingWebhookConfigurations = "admissionregistration.k8s.io/mutatingwebhookconfigurations"
    static let validatingWebhookConfigurations = "admissionregistration.k8s.io/validatingwebhookconfigurations"

    /// Runs the mutating webhooks over `object` (`old` for UPDATE/DELETE) and returns the object
    /// they leave; throws the apiserver's error for a denial, a failed call under
    /// `failurePolicy: Fail`, or a patch that cannot be applied.
    func admit(_ object: JSONValue, old: JSONValue?, operation: String, context: RequestContext) async throws(APIError)
        -> JSONValue
    {
        // Webhook configurations themselves are never sent to webhooks (a bad one could not be fixed).
        guard context.type.group != "admissionregistration.k8s.io" else { return object }
        let mutating = store.list(Self.mutatingWebhookConfigurations, namespace: nil)
        let validating = store.list(Self.validatingWebhookConfigurations, namespace: nil)
        guard !mutating.isEmpty || !validating.isEmpty else { return object }
        var request = AdmissionAttributes(operation: operation, object: object, oldObject: old, context: context)
        var namespaceLabels: [String: String]?
        for (configurations, mutates) in [(mutating, true), (validating, false)] {
            for (_, configuration) in configurations {
                let version = configuration["apiVersion"]?.stringValue ?? "admissionregistration.k8s.io/v1"
                for entry in configuration["webhooks"]?.arrayValue ?? [] {
                    let hook = MutatingWebhook(entry, configurationVersion: version)
                    guard hook.matchesRules(request) else { continue }
                    if hook.needsNamespaceLabels(request) {
                        if namespaceLabels == nil { namespaceLabels = try self.namespaceLabels(request) }
                        guard hook.matchesNamespace(labels: namespaceLabels ?? [:]) else { continue }
                    }
                    guard hook.matchesObject(request) else { continue }
                    let result = try await call(hook, request, applyingPatch: mutates)
                    if mutates { request.object = result }
                }
            }
        }
        return request.object ?? object
    }

    /// The labels `namespaceSelector` is matched against: those of the namespace object being
    /// written, else those of the stored namespace (a missing one is a 404, as in the apiserver).
    private func namespaceLabels(_ request: AdmissionAttributes) throws(APIError) -> [String: String] {
        if request.type.resource == "namespaces", request.subresource == nil, ["CREATE", "UPDATE"].contains(request.operation),
            let object = request.object
        {
            return object.labels
        }
        let name = request.namespace ?? ""
        guard let namespace = store.get("namespaces", ObjectKey(namespace: "", name: name)) else {
            throw APIError.notFound(registry.lookup(group: "", version: "v1", resource: "namespaces")!, name)
        }
        return namespace.labels
    }

    /// One webhook: the object it leaves (unchanged when skipped under `failurePolicy: Ignore`).
    private func call(_ hook: MutatingWebhook, _ request: AdmissionAttributes, applyingPatch: Bool) async throws(APIError)
        -> JSONValue?
    {
        if request.dryRun, hook.sideEffects != "None", hook.sideEffects != "NoneOnDryRun" {
            throw APIError.badRequest("admission webhook \"\(hook.name)\" does not support dry run")
        }
        do {
            return try await invoke(hook, request, applyingPatch: applyingPatch)
        } catch {
            switch error {
            case .call(let reason):
                if hook.ignoreFailures { return request.object }
                throw APIError.internalErrorOccurred("failed calling webhook \"\(hook.name)\": \(reason)")
            case .rejection(let rejection):
                throw rejection
            case .patch(let reason):
                throw APIError.internalErrorOccurred(reason)
            }
        }
    }

    /// A validating webhook's patch is not applied.
    private func invoke(_ hook: MutatingWebhook, _ request: AdmissionAttributes, applyingPatch: Bool) async throws(WebhookFailure)
        -> JSONValue?
    {
        guard let version = hook.reviewVersion else {
            throw .call("could not create admission objects: webhook does not accept known AdmissionReview versions")
        }
        let uid = ObjectMetaRules.newUID()
        let reply = try await postReview(request.review(version: version, uid: uid), to: hook)
        let response = try Self.verifiedResponse(reply, uid: uid, version: version)
        guard response["allowed"]?.boolValue == true else {
            throw .rejection(Self.rejection(by: hook.name, status: response["status"]))
        }
        guard applyingPatch, let encoded = response["patch"]?.stringValue, !encoded.isEmpty else { return request.object }
        guard let data = Data(base64Encoded: encoded) else {
            let position = encoded.utf8.firstIndex { !Self.base64Alphabet.contains($0) }
                .map { encoded.utf8.distance(from: encoded.utf8.startIndex, to: $0) } ?? encoded.utf8.count
            throw .call("illegal base64 data at input byte \(position)")
        }
        guard let object = request.object else {
            throw .patch("admission webhook \"\(hook.name)\" attempted to modify the object, which is not supported for this operation")
        }
        let patched: JSONValue
        do { patched = try WebhookPatch.apply(Array(data), to: object) } catch { throw .patch(error.reason) }
        guard patched.objectValue != nil else {
            throw .patch("json: cannot unmarshal \(WebhookPatch.goType(patched)) into Go value of type \(request.type.kind)")
        }
        return patched
    }

    private static let base64Alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8)

    /// The webhook's `status`, its message prefixed with who denied it; never below 400
    /// (`webhookerrors.ToStatusErr`).
    static func rejection(by webhook: String, status: JSONValue?) -> APIError {
        let deniedBy = "admission webhook \"\(webhook)\" denied the request"
        let reason = status?["reason"]?.stringValue ?? ""
        let message = status?["message"]?.stringValue ?? ""
        let text =
            !message.isEmpty ? "\(deniedBy): \(message)" : !reason.isEmpty ? "\(deniedBy): \(reason)" : "\(deniedBy) without explanation"
        let code = max(Int(status?["code"]?.int64Value ?? 0), 400)
        let details = status?["details"].flatMap { $0.objectValue == nil ? nil : $0 }
        return APIError(code: code, reason: reason, message: text, details: details)
    }
}
