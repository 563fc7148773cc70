// k8s.io/api/authorization/v1 (generated.proto): SelfSubjectAccessReview, what `kubectl auth can-i`
// sends. Field selectors and label selectors of ResourceAttributes (8, 9) are newer than 1.19: skipped.
extension ProtobufSchemas {
    static let authorization: [String: ProtobufMessage] = [
        "SelfSubjectAccessReview": object(spec: "SelfSubjectAccessReviewSpec", status: "SubjectAccessReviewStatus"),
        "SelfSubjectAccessReviewSpec": [
            F(1, "resourceAttributes", .message("ResourceAttributes")),
            F(2, "nonResourceAttributes", .message("NonResourceAttributes")),
        ],
        "ResourceAttributes": [
            F(1, "namespace", .string), F(2, "verb", .string), F(3, "group", .string), F(4, "version", .string),
            F(5, "resource", .string), F(6, "subresource", .string), F(7, "name", .string),
        ],
        "NonResourceAttributes": [F(1, "path", .string), F(2, "verb", .string)],
        "SubjectAccessReviewStatus": [
            F(1, "allowed", .bool, .kept), F(4, "denied", .bool), F(2, "reason", .string), F(3, "evaluationError", .string),
        ],
    ]
}
