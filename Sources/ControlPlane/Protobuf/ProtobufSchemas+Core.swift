// k8s.io/api/core/v1 (generated.proto): the objects kubectl creates, and the references they share.
// Pods are in +CorePod, containers in +CoreContainers, volumes in +CoreVolumes, statuses in +CoreStatus.
extension ProtobufSchemas {
    static let core: [String: ProtobufMessage] = [
        "ConfigMap": [
            F(1, "metadata", .message("ObjectMeta")),
            F(4, "immutable", .bool, .kept),
            F(2, "data", .map(.string)),
            F(3, "binaryData", .map(.bytes)),
        ],
        "Secret": [
            F(1, "metadata", .message("ObjectMeta")),
            F(5, "immutable", .bool, .kept),
            F(2, "data", .map(.bytes)),
            F(4, "stringData", .map(.string)),
            F(3, "type", .string),
        ],
        "Namespace": object(spec: "NamespaceSpec", status: "NamespaceStatus"),
        "NamespaceSpec": [
            F(1, "finalizers", .repeated(.string)),
        ],
        "NamespaceStatus": [
            F(1, "phase", .string),
            F(2, "conditions", .repeated(.message("NamespaceCondition"))),
        ],
        "NamespaceCondition": [
            F(1, "type", .string, .kept),
            F(2, "status", .string, .kept),
            F(4, "lastTransitionTime", .time),
            F(5, "reason", .string),
            F(6, "message", .string),
        ],
        "Service": object(spec: "ServiceSpec", status: "ServiceStatus"),
        "ServiceSpec": [
            F(1, "ports", .repeated(.message("ServicePort"))),
            F(2, "selector", .map(.string)),
            F(3, "clusterIP", .string),
            F(18, "clusterIPs", .repeated(.string)),
            F(4, "type", .string),
            F(5, "externalIPs", .repeated(.string)),
            F(7, "sessionAffinity", .string),
            F(8, "loadBalancerIP", .string),
            F(9, "loadBalancerSourceRanges", .repeated(.string)),
            F(10, "externalName", .string),
            F(11, "externalTrafficPolicy", .string),
            F(12, "healthCheckNodePort", .int32),
            F(13, "publishNotReadyAddresses", .bool),
            F(14, "sessionAffinityConfig", .message("SessionAffinityConfig")),
            F(19, "ipFamilies", .repeated(.string)),
            F(17, "ipFamilyPolicy", .string, .kept),
            F(20, "allocateLoadBalancerNodePorts", .bool, .kept),
            F(21, "loadBalancerClass", .string, .kept),
            F(22, "internalTrafficPolicy", .string, .kept),
            F(23, "trafficDistribution", .string, .kept),
        ],
        "ServicePort": [
            F(1, "name", .string),
            F(2, "protocol", .string),
            F(6, "appProtocol", .string, .kept),
            F(3, "port", .int32, .kept),
            F(4, "targetPort", .intOrString),
            F(5, "nodePort", .int32),
        ],
        "SessionAffinityConfig": [
            F(1, "clientIP", .message("ClientIPConfig")),
        ],
        "ClientIPConfig": [
            F(1, "timeoutSeconds", .int32, .kept),
        ],
        "ServiceStatus": [
            F(1, "loadBalancer", .message("LoadBalancerStatus")),
            F(2, "conditions", .repeated(.message("Condition"))),
        ],
        "LoadBalancerStatus": [
            F(1, "ingress", .repeated(.message("LoadBalancerIngress"))),
        ],
        "LoadBalancerIngress": [
            F(1, "ip", .string),
            F(2, "hostname", .string),
            F(3, "ipMode", .string, .kept),
            F(4, "ports", .repeated(.message("PortStatus"))),
        ],
        "PortStatus": [
            F(1, "port", .int32, .kept),
            F(2, "protocol", .string, .kept),
            F(3, "error", .string, .kept),
        ],
        "ServiceAccount": [
            F(1, "metadata", .message("ObjectMeta")),
            F(2, "secrets", .repeated(.message("ObjectReference"))),
            F(3, "imagePullSecrets", .repeated(.message("LocalObjectReference"))),
            F(4, "automountServiceAccountToken", .bool, .kept),
        ],
        "ObjectReference": [
            F(1, "kind", .string),
            F(2, "namespace", .string),
            F(3, "name", .string),
            F(4, "uid", .string),
            F(5, "apiVersion", .string),
            F(6, "resourceVersion", .string),
            F(7, "fieldPath", .string),
        ],
        "LocalObjectReference": [
            F(1, "name", .string),
        ],
        "Binding": [
            F(1, "metadata", .message("ObjectMeta")),
            F(2, "target", .message("ObjectReference")),
        ],
        "Pod": object(spec: "PodSpec", status: "PodStatus"),
        "PodTemplate": [
            F(1, "metadata", .message("ObjectMeta")),
            F(2, "template", .message("PodTemplateSpec")),
        ],
        "PodTemplateSpec": [
            F(1, "metadata", .message("ObjectMeta")),
            F(2, "spec", .message("PodSpec")),
        ],
        "PersistentVolumeClaim": object(spec: "PersistentVolumeClaimSpec", status: "PersistentVolumeClaimStatus"),
    ]
}
