/// The built-in resources the embedded control plane serves, in the order a 1.19 server lists them.
enum BuiltinResources {
    static let all: [ResourceType] = core + apps + others

    private static let core: [ResourceType] = [
        ResourceType(group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", namespaced: true, shortNames: ["cm"]),
        ResourceType(group: "", version: "v1", resource: "endpoints", kind: "Endpoints", namespaced: true, shortNames: ["ep"]),
        ResourceType(group: "", version: "v1", resource: "events", kind: "Event", namespaced: true, shortNames: ["ev"]),
        ResourceType(
            group: "", version: "v1", resource: "namespaces", kind: "Namespace", namespaced: false, shortNames: ["ns"],
            subresources: ["status", "finalize"],
            verbs: ["create", "delete", "get", "list", "patch", "update", "watch"]),
        ResourceType(
            group: "", version: "v1", resource: "nodes", kind: "Node", namespaced: false, shortNames: ["no"],
            subresources: ["status", "proxy"]),
        ResourceType(
            group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true, shortNames: ["po"],
            categories: ["all"], subresources: ["status", "binding", "eviction", "log"]),
        ResourceType(group: "", version: "v1", resource: "secrets", kind: "Secret", namespaced: true),
        ResourceType(group: "", version: "v1", resource: "serviceaccounts", kind: "ServiceAccount", namespaced: true, shortNames: ["sa"]),
        ResourceType(
            group: "", version: "v1", resource: "services", kind: "Service", namespaced: true, shortNames: ["svc"],
            categories: ["all"], subresources: ["status"]),
    ]

    private static let apps: [ResourceType] = ["v1"].flatMap { version in
        [
            ResourceType(
                group: "apps", version: version, resource: "daemonsets", kind: "DaemonSet", namespaced: true,
                shortNames: ["ds"], categories: ["all"], subresources: ["status"]),
            ResourceType(
                group: "apps", version: version, resource: "deployments", kind: "Deployment", namespaced: true,
                shortNames: ["deploy"], categories: ["all"], subresources: ["status", "scale"]),
            ResourceType(
                group: "apps", version: version, resource: "replicasets", kind: "ReplicaSet", namespaced: true,
                shortNames: ["rs"], categories: ["all"], subresources: ["status", "scale"]),
            ResourceType(
                group: "apps", version: version, resource: "statefulsets", kind: "StatefulSet", namespaced: true,
                shortNames: ["sts"], categories: ["all"], subresources: ["status", "scale"]),
        ]
    }

    private static let others: [ResourceType] = [
        // The same objects as core events, under other field names (EventConversion).
        ResourceType(
            group: "events.k8s.io", version: "v1", resource: "events", kind: "Event", namespaced: true, shortNames: ["ev"],
            storageKey: "events"),
        ResourceType(
            group: "authentication.k8s.io", version: "v1", resource: "tokenreviews", kind: "TokenReview", namespaced: false,
            verbs: ["create"]),
        ResourceType(
            group: "authorization.k8s.io", version: "v1", resource: "subjectaccessreviews", kind: "SubjectAccessReview",
            namespaced: false, verbs: ["create"]),
        ResourceType(
            group: "authorization.k8s.io", version: "v1", resource: "selfsubjectaccessreviews",
            kind: "SelfSubjectAccessReview", namespaced: false, verbs: ["create"]),
        ResourceType(
            group: "batch", version: "v1", resource: "jobs", kind: "Job", namespaced: true, categories: ["all"],
            subresources: ["status"]),
        ResourceType(
            group: "policy", version: "v1", resource: "poddisruptionbudgets", kind: "PodDisruptionBudget", namespaced: true,
            shortNames: ["pdb"], subresources: ["status"]),
        ResourceType(
            group: "policy", version: "v1beta1", resource: "poddisruptionbudgets", kind: "PodDisruptionBudget",
            namespaced: true, shortNames: ["pdb"], subresources: ["status"]),
        ResourceType(
            group: "admissionregistration.k8s.io", version: "v1", resource: "mutatingwebhookconfigurations",
            kind: "MutatingWebhookConfiguration", namespaced: false),
        ResourceType(
            group: "admissionregistration.k8s.io", version: "v1", resource: "validatingwebhookconfigurations",
            kind: "ValidatingWebhookConfiguration", namespaced: false),
        ResourceType(
            group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions",
            kind: "CustomResourceDefinition", namespaced: false, shortNames: ["crd", "crds"], subresources: ["status"]),
        ResourceType(
            group: "coordination.k8s.io", version: "v1", resource: "leases", kind: "Lease", namespaced: true),
    ]
}
