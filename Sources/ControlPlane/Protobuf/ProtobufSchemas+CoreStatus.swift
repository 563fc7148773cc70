// k8s.io/api/core/v1 (generated.proto): pod and persistent volume claim status. Clients rarely
// send these, but every Pod on the wire carries at least an empty status.
extension ProtobufSchemas {
    static let coreStatus: [String: ProtobufMessage] = [
        "PodStatus": [
            F(1, "phase", .string),
            F(2, "conditions", .repeated(.message("PodCondition"))),
            F(3, "message", .string),
            F(4, "reason", .string),
            F(11, "nominatedNodeName", .string),
            F(5, "hostIP", .string),
            F(16, "hostIPs", .repeated(.message("HostIP"))),
            F(6, "podIP", .string),
            F(12, "podIPs", .repeated(.message("PodIP"))),
            F(7, "startTime", .time),
            F(10, "initContainerStatuses", .repeated(.message("ContainerStatus"))),
            F(8, "containerStatuses", .repeated(.message("ContainerStatus"))),
            F(9, "qosClass", .string),
            F(13, "ephemeralContainerStatuses", .repeated(.message("ContainerStatus"))),
            F(14, "resize", .string),
            F(15, "resourceClaimStatuses", .repeated(.message("PodResourceClaimStatus"))),
        ],
        "PodCondition": probedCondition,
        "HostIP": [
            F(1, "ip", .string, .kept),
        ],
        "PodIP": [
            F(1, "ip", .string, .kept),
        ],
        "ContainerStatus": [
            F(1, "name", .string, .kept),
            F(2, "state", .message("ContainerState")),
            F(3, "lastState", .message("ContainerState")),
            F(4, "ready", .bool, .kept),
            F(5, "restartCount", .int32, .kept),
            F(6, "image", .string, .kept),
            F(7, "imageID", .string, .kept),
            F(8, "containerID", .string),
            F(9, "started", .bool, .kept),
            F(10, "allocatedResources", .map(.quantity)),
            F(11, "resources", .message("ResourceRequirements")),
            F(12, "volumeMounts", .repeated(.message("VolumeMountStatus"))),
            F(13, "user", .message("ContainerUser")),
            F(14, "allocatedResourcesStatus", .repeated(.message("ResourceStatus"))),
        ],
        "ContainerState": [
            F(1, "waiting", .message("ContainerStateWaiting")),
            F(2, "running", .message("ContainerStateRunning")),
            F(3, "terminated", .message("ContainerStateTerminated")),
        ],
        "ContainerStateWaiting": [
            F(1, "reason", .string),
            F(2, "message", .string),
        ],
        "ContainerStateRunning": [
            F(1, "startedAt", .time),
        ],
        "ContainerStateTerminated": [
            F(1, "exitCode", .int32, .kept),
            F(2, "signal", .int32),
            F(3, "reason", .string),
            F(4, "message", .string),
            F(5, "startedAt", .time),
            F(6, "finishedAt", .time),
            F(7, "containerID", .string),
        ],
        "VolumeMountStatus": [
            F(1, "name", .string, .kept),
            F(2, "mountPath", .string, .kept),
            F(3, "readOnly", .bool),
            F(4, "recursiveReadOnly", .string, .kept),
        ],
        "ContainerUser": [
            F(1, "linux", .message("LinuxContainerUser")),
        ],
        "LinuxContainerUser": [
            F(1, "uid", .int64, .kept),
            F(2, "gid", .int64, .kept),
            F(3, "supplementalGroups", .repeated(.int64)),
        ],
        "ResourceStatus": [
            F(1, "name", .string, .kept),
            F(2, "resources", .repeated(.message("ResourceHealth"))),
        ],
        "ResourceHealth": [
            F(1, "resourceID", .string, .kept),
            F(2, "health", .string),
        ],
        "PodResourceClaimStatus": [
            F(1, "name", .string, .kept),
            F(2, "resourceClaimName", .string, .kept),
        ],
        "PersistentVolumeClaimStatus": [
            F(1, "phase", .string),
            F(2, "accessModes", .repeated(.string)),
            F(3, "capacity", .map(.quantity)),
            F(4, "conditions", .repeated(.message("PersistentVolumeClaimCondition"))),
            F(5, "allocatedResources", .map(.quantity)),
            F(7, "allocatedResourceStatuses", .map(.string)),
            F(8, "currentVolumeAttributesClassName", .string, .kept),
            F(9, "modifyVolumeStatus", .message("ModifyVolumeStatus")),
        ],
        "PersistentVolumeClaimCondition": probedCondition,
        "ModifyVolumeStatus": [
            F(1, "targetVolumeAttributesClassName", .string),
            F(2, "status", .string, .kept),
        ],
    ]
}
