// k8s.io/api/policy/v1 and policy/v1beta1 (generated.proto; the same fields in both versions):
// PodDisruptionBudget and Eviction. And k8s.io/api/autoscaling/v1's Scale, the body of every
// scale subresource.
extension ProtobufSchemas {
    static let policy: [String: ProtobufMessage] = [
        "PodDisruptionBudget": object(spec: "PodDisruptionBudgetSpec", status: "PodDisruptionBudgetStatus"),
        "PodDisruptionBudgetSpec": [
            F(1, "minAvailable", .intOrString),
            F(2, "selector", .message("LabelSelector")),
            F(3, "maxUnavailable", .intOrString),
            F(4, "unhealthyPodEvictionPolicy", .string, .kept),
        ],
        "PodDisruptionBudgetStatus": [
            F(1, "observedGeneration", .int64),
            F(2, "disruptedPods", .map(.time)),
            F(3, "disruptionsAllowed", .int32, .kept),
            F(4, "currentHealthy", .int32, .kept),
            F(5, "desiredHealthy", .int32, .kept),
            F(6, "expectedPods", .int32, .kept),
            F(7, "conditions", .repeated(.message("Condition"))),
        ],
        "Eviction": [
            F(1, "metadata", .message("ObjectMeta")),
            F(2, "deleteOptions", .message("DeleteOptions")),
        ],
        "Scale": object(spec: "ScaleSpec", status: "ScaleStatus"),
        "ScaleSpec": [
            F(1, "replicas", .int32),
        ],
        "ScaleStatus": [
            F(1, "replicas", .int32, .kept),
            F(2, "selector", .string),
        ],
    ]
}
