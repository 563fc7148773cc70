// k8s.io/apimachinery/pkg/apis/meta/v1 (generated.proto). Time, MicroTime, Duration and FieldsV1
// are field types, not tables: their JSON is not an object.
extension ProtobufSchemas {
    static let meta: [String: ProtobufMessage] = [
        "ObjectMeta": [
            F(1, "name", .string),
            F(2, "generateName", .string),
            F(3, "namespace", .string),
            F(4, "selfLink", .string),
            F(5, "uid", .string),
            F(6, "resourceVersion", .string),
            F(7, "generation", .int64),
            F(8, "creationTimestamp", .time),
            F(9, "deletionTimestamp", .time),
            F(10, "deletionGracePeriodSeconds", .int64, .kept),
            F(11, "labels", .map(.string)),
            F(12, "annotations", .map(.string)),
            F(13, "ownerReferences", .repeated(.message("OwnerReference"))),
            F(14, "finalizers", .repeated(.string)),
            F(17, "managedFields", .repeated(.message("ManagedFieldsEntry"))),
        ],
        "OwnerReference": [
            F(5, "apiVersion", .string, .kept),
            F(1, "kind", .string, .kept),
            F(3, "name", .string, .kept),
            F(4, "uid", .string, .kept),
            F(6, "controller", .bool, .kept),
            F(7, "blockOwnerDeletion", .bool, .kept),
        ],
        "ManagedFieldsEntry": [
            F(1, "manager", .string),
            F(2, "operation", .string),
            F(3, "apiVersion", .string),
            F(4, "time", .time),
            F(6, "fieldsType", .string),
            F(7, "fieldsV1", .rawJSON),
            F(8, "subresource", .string),
        ],
        "LabelSelector": [
            F(1, "matchLabels", .map(.string)),
            F(2, "matchExpressions", .repeated(.message("LabelSelectorRequirement"))),
        ],
        "LabelSelectorRequirement": [
            F(1, "key", .string, .kept),
            F(2, "operator", .string, .kept),
            F(3, "values", .repeated(.string)),
        ],
        "Condition": [
            F(1, "type", .string, .kept),
            F(2, "status", .string, .kept),
            F(3, "observedGeneration", .int64),
            F(4, "lastTransitionTime", .time),
            F(5, "reason", .string, .kept),
            F(6, "message", .string, .kept),
        ],
        "DeleteOptions": [
            F(1, "gracePeriodSeconds", .int64, .kept),
            F(2, "preconditions", .message("Preconditions")),
            F(3, "orphanDependents", .bool, .kept),
            F(4, "propagationPolicy", .string, .kept),
            F(5, "dryRun", .repeated(.string)),
            F(6, "ignoreStoreReadErrorWithClusterBreakingPotential", .bool, .kept),
        ],
        "Preconditions": [
            F(1, "uid", .string, .kept),
            F(2, "resourceVersion", .string, .kept),
        ],
    ]
}
