// k8s.io/api/core/v1 (generated.proto): Container and what it holds (env, resources, probes,
// lifecycle hooks, security context).
extension ProtobufSchemas {
    static let coreContainers: [String: ProtobufMessage] = [
        "Container": container,
        "EphemeralContainerCommon": container,
        "EphemeralContainer": [
            F(1, "ephemeralContainerCommon", .inline("EphemeralContainerCommon")),
            F(2, "targetContainerName", .string),
        ],
        "ContainerPort": [
            F(1, "name", .string),
            F(2, "hostPort", .int32),
            F(3, "containerPort", .int32, .kept),
            F(4, "protocol", .string),
            F(5, "hostIP", .string),
        ],
        "EnvFromSource": [
            F(1, "prefix", .string),
            F(2, "configMapRef", .message("ConfigMapEnvSource")),
            F(3, "secretRef", .message("SecretEnvSource")),
        ],
        "ConfigMapEnvSource": optionalReference,
        "SecretEnvSource": optionalReference,
        "EnvVar": [
            F(1, "name", .string, .kept),
            F(2, "value", .string),
            F(3, "valueFrom", .message("EnvVarSource")),
        ],
        "EnvVarSource": [
            F(1, "fieldRef", .message("ObjectFieldSelector")),
            F(2, "resourceFieldRef", .message("ResourceFieldSelector")),
            F(3, "configMapKeyRef", .message("ConfigMapKeySelector")),
            F(4, "secretKeyRef", .message("SecretKeySelector")),
        ],
        "ObjectFieldSelector": [
            F(1, "apiVersion", .string),
            F(2, "fieldPath", .string, .kept),
        ],
        "ResourceFieldSelector": [
            F(1, "containerName", .string),
            F(2, "resource", .string, .kept),
            F(3, "divisor", .quantity),
        ],
        "ConfigMapKeySelector": keySelector,
        "SecretKeySelector": keySelector,
        "ResourceRequirements": [
            F(1, "limits", .map(.quantity)),
            F(2, "requests", .map(.quantity)),
            F(3, "claims", .repeated(.message("ResourceClaim"))),
        ],
        "ResourceClaim": [
            F(1, "name", .string, .kept),
            F(2, "request", .string),
        ],
        "ContainerResizePolicy": [
            F(1, "resourceName", .string, .kept),
            F(2, "restartPolicy", .string, .kept),
        ],
        "VolumeMount": [
            F(1, "name", .string, .kept),
            F(2, "readOnly", .bool),
            F(7, "recursiveReadOnly", .string, .kept),
            F(3, "mountPath", .string, .kept),
            F(4, "subPath", .string),
            F(5, "mountPropagation", .string, .kept),
            F(6, "subPathExpr", .string),
        ],
        "VolumeDevice": [
            F(1, "name", .string, .kept),
            F(2, "devicePath", .string, .kept),
        ],
        "Probe": [
            F(1, "handler", .inline("ProbeHandler")),
            F(2, "initialDelaySeconds", .int32),
            F(3, "timeoutSeconds", .int32),
            F(4, "periodSeconds", .int32),
            F(5, "successThreshold", .int32),
            F(6, "failureThreshold", .int32),
            F(7, "terminationGracePeriodSeconds", .int64, .kept),
        ],
        "ProbeHandler": [
            F(1, "exec", .message("ExecAction")),
            F(2, "httpGet", .message("HTTPGetAction")),
            F(3, "tcpSocket", .message("TCPSocketAction")),
            F(4, "grpc", .message("GRPCAction")),
        ],
        "ExecAction": [
            F(1, "command", .repeated(.string)),
        ],
        "HTTPGetAction": [
            F(1, "path", .string),
            F(2, "port", .intOrString),
            F(3, "host", .string),
            F(4, "scheme", .string),
            F(5, "httpHeaders", .repeated(.message("HTTPHeader"))),
        ],
        "HTTPHeader": [
            F(1, "name", .string, .kept),
            F(2, "value", .string, .kept),
        ],
        "TCPSocketAction": [
            F(1, "port", .intOrString),
            F(2, "host", .string),
        ],
        "GRPCAction": [
            F(1, "port", .int32, .kept),
            F(2, "service", .string, .kept),
        ],
        "Lifecycle": [
            F(1, "postStart", .message("LifecycleHandler")),
            F(2, "preStop", .message("LifecycleHandler")),
        ],
        "LifecycleHandler": [
            F(1, "exec", .message("ExecAction")),
            F(2, "httpGet", .message("HTTPGetAction")),
            F(3, "tcpSocket", .message("TCPSocketAction")),
            F(4, "sleep", .message("SleepAction")),
        ],
        "SleepAction": [
            F(1, "seconds", .int64, .kept),
        ],
        "SecurityContext": [
            F(1, "capabilities", .message("Capabilities")),
            F(2, "privileged", .bool, .kept),
            F(3, "seLinuxOptions", .message("SELinuxOptions")),
            F(10, "windowsOptions", .message("WindowsSecurityContextOptions")),
            F(4, "runAsUser", .int64, .kept),
            F(8, "runAsGroup", .int64, .kept),
            F(5, "runAsNonRoot", .bool, .kept),
            F(6, "readOnlyRootFilesystem", .bool, .kept),
            F(7, "allowPrivilegeEscalation", .bool, .kept),
            F(9, "procMount", .string, .kept),
            F(11, "seccompProfile", .message("SeccompProfile")),
            F(12, "appArmorProfile", .message("AppArmorProfile")),
        ],
        "Capabilities": [
            F(1, "add", .repeated(.string)),
            F(2, "drop", .repeated(.string)),
        ],
        "SELinuxOptions": [
            F(1, "user", .string),
            F(2, "role", .string),
            F(3, "type", .string),
            F(4, "level", .string),
        ],
        "WindowsSecurityContextOptions": [
            F(1, "gmsaCredentialSpecName", .string, .kept),
            F(2, "gmsaCredentialSpec", .string, .kept),
            F(3, "runAsUserName", .string, .kept),
            F(4, "hostProcess", .bool, .kept),
        ],
        "SeccompProfile": profile,
        "AppArmorProfile": profile,
    ]

    /// Container, and EphemeralContainerCommon (the same fields, inlined into EphemeralContainer).
    private static let container: ProtobufMessage = [
        F(1, "name", .string, .kept),
        F(2, "image", .string),
        F(3, "command", .repeated(.string)),
        F(4, "args", .repeated(.string)),
        F(5, "workingDir", .string),
        F(6, "ports", .repeated(.message("ContainerPort"))),
        F(19, "envFrom", .repeated(.message("EnvFromSource"))),
        F(7, "env", .repeated(.message("EnvVar"))),
        F(8, "resources", .message("ResourceRequirements")),
        F(23, "resizePolicy", .repeated(.message("ContainerResizePolicy"))),
        F(24, "restartPolicy", .string, .kept),
        F(9, "volumeMounts", .repeated(.message("VolumeMount"))),
        F(21, "volumeDevices", .repeated(.message("VolumeDevice"))),
        F(10, "livenessProbe", .message("Probe")),
        F(11, "readinessProbe", .message("Probe")),
        F(22, "startupProbe", .message("Probe")),
        F(12, "lifecycle", .message("Lifecycle")),
        F(13, "terminationMessagePath", .string),
        F(20, "terminationMessagePolicy", .string),
        F(14, "imagePullPolicy", .string),
        F(15, "securityContext", .message("SecurityContext")),
        F(16, "stdin", .bool),
        F(17, "stdinOnce", .bool),
        F(18, "tty", .bool),
    ]

    /// ConfigMapEnvSource and SecretEnvSource: an inlined LocalObjectReference and `optional`.
    private static let optionalReference: ProtobufMessage = [
        F(1, "localObjectReference", .inline("LocalObjectReference")),
        F(2, "optional", .bool, .kept),
    ]

    /// ConfigMapKeySelector and SecretKeySelector.
    private static let keySelector: ProtobufMessage = [
        F(1, "localObjectReference", .inline("LocalObjectReference")),
        F(2, "key", .string, .kept),
        F(3, "optional", .bool, .kept),
    ]

    /// SeccompProfile and AppArmorProfile.
    private static let profile: ProtobufMessage = [
        F(1, "type", .string, .kept),
        F(2, "localhostProfile", .string, .kept),
    ]
}
