// k8s.io/api/batch/v1 and batch/v1beta1 (generated.proto): Job and CronJob. batch/v1beta1's
// CronJob and JobTemplateSpec have the same fields as batch/v1's.
extension ProtobufSchemas {
    static let batch: [String: ProtobufMessage] = [
        "Job": object(spec: "JobSpec", status: "JobStatus"),
        "JobSpec": [
            F(1, "parallelism", .int32, .kept),
            F(2, "completions", .int32, .kept),
            F(3, "activeDeadlineSeconds", .int64, .kept),
            F(11, "podFailurePolicy", .message("PodFailurePolicy")),
            F(16, "successPolicy", .message("SuccessPolicy")),
            F(7, "backoffLimit", .int32, .kept),
            F(12, "backoffLimitPerIndex", .int32, .kept),
            F(13, "maxFailedIndexes", .int32, .kept),
            F(4, "selector", .message("LabelSelector")),
            F(5, "manualSelector", .bool, .kept),
            F(6, "template", .message("PodTemplateSpec")),
            F(8, "ttlSecondsAfterFinished", .int32, .kept),
            F(9, "completionMode", .string, .kept),
            F(10, "suspend", .bool, .kept),
            F(14, "podReplacementPolicy", .string, .kept),
            F(15, "managedBy", .string, .kept),
        ],
        "PodFailurePolicy": [
            F(1, "rules", .repeated(.message("PodFailurePolicyRule"))),
        ],
        "PodFailurePolicyRule": [
            F(1, "action", .string, .kept),
            F(2, "onExitCodes", .message("PodFailurePolicyOnExitCodesRequirement")),
            F(3, "onPodConditions", .repeated(.message("PodFailurePolicyOnPodConditionsPattern"))),
        ],
        "PodFailurePolicyOnExitCodesRequirement": [
            F(1, "containerName", .string, .kept),
            F(2, "operator", .string, .kept),
            F(3, "values", .repeated(.int32)),
        ],
        "PodFailurePolicyOnPodConditionsPattern": [
            F(1, "type", .string, .kept),
            F(2, "status", .string, .kept),
        ],
        "SuccessPolicy": [
            F(1, "rules", .repeated(.message("SuccessPolicyRule"))),
        ],
        "SuccessPolicyRule": [
            F(1, "succeededIndexes", .string, .kept),
            F(2, "succeededCount", .int32, .kept),
        ],
        "JobStatus": [
            F(1, "conditions", .repeated(.message("JobCondition"))),
            F(2, "startTime", .time),
            F(3, "completionTime", .time),
            F(4, "active", .int32),
            F(5, "succeeded", .int32),
            F(6, "failed", .int32),
            F(11, "terminating", .int32, .kept),
            F(7, "completedIndexes", .string),
            F(10, "failedIndexes", .string, .kept),
            F(8, "uncountedTerminatedPods", .message("UncountedTerminatedPods")),
            F(9, "ready", .int32, .kept),
        ],
        "JobCondition": probedCondition,
        "UncountedTerminatedPods": [
            F(1, "succeeded", .repeated(.string)),
            F(2, "failed", .repeated(.string)),
        ],
        "CronJob": object(spec: "CronJobSpec", status: "CronJobStatus"),
        "CronJobSpec": [
            F(1, "schedule", .string, .kept),
            F(8, "timeZone", .string, .kept),
            F(2, "startingDeadlineSeconds", .int64, .kept),
            F(3, "concurrencyPolicy", .string),
            F(4, "suspend", .bool, .kept),
            F(5, "jobTemplate", .message("JobTemplateSpec")),
            F(6, "successfulJobsHistoryLimit", .int32, .kept),
            F(7, "failedJobsHistoryLimit", .int32, .kept),
        ],
        "JobTemplateSpec": [
            F(1, "metadata", .message("ObjectMeta")),
            F(2, "spec", .message("JobSpec")),
        ],
        "CronJobStatus": [
            F(1, "active", .repeated(.message("ObjectReference"))),
            F(4, "lastScheduleTime", .time),
            F(5, "lastSuccessfulTime", .time),
        ],
    ]
}
