import Kube

/// The shapes of the built-in kinds, for the OpenAPI documents `kubectl explain` walks
/// (`kubectl explain pods.spec.containers.resources`).
///
/// One line per type: `Name: field:type …`, where a type is `string`, `integer`, `boolean`,
/// `number`, `time`, `quantity`, `object` (free-form), `[T]` (a list), `{T}` (a map with string
/// keys) or the name of another line. A line whose name is a served kind is that kind's schema;
/// `apiVersion`, `kind` and `metadata` are added to it. The fields are those a kubelet, a
/// controller or an operator reads or writes; a field missing here is still stored and served.
enum SchemaCatalog {
    /// Component-name prefix per line (`io.k8s.api.core.v1.PodSpec`): the group-version whose
    /// section declares the type.
    static let sections: [(prefix: String, lines: String)] = [
        ("io.k8s.api.core.v1", """
            Pod: spec:PodSpec status:PodStatus
            PodSpec: containers:[Container] initContainers:[Container] ephemeralContainers:[object] volumes:[Volume] nodeName:string nodeSelector:{string} serviceAccountName:string automountServiceAccountToken:boolean restartPolicy:string terminationGracePeriodSeconds:integer activeDeadlineSeconds:integer dnsPolicy:string hostNetwork:boolean hostPID:boolean hostIPC:boolean hostname:string subdomain:string affinity:Affinity tolerations:[Toleration] schedulerName:string priorityClassName:string priority:integer preemptionPolicy:string runtimeClassName:string overhead:{quantity} topologySpreadConstraints:[object] securityContext:object imagePullSecrets:[LocalObjectReference] enableServiceLinks:boolean readinessGates:[object]
            Container: name:string image:string imagePullPolicy:string command:[string] args:[string] workingDir:string ports:[ContainerPort] env:[EnvVar] envFrom:[object] resources:ResourceRequirements volumeMounts:[VolumeMount] livenessProbe:Probe readinessProbe:Probe startupProbe:Probe lifecycle:object securityContext:object stdin:boolean tty:boolean terminationMessagePath:string terminationMessagePolicy:string
            ContainerPort: name:string containerPort:integer hostPort:integer protocol:string hostIP:string
            EnvVar: name:string value:string valueFrom:object
            ResourceRequirements: limits:{quantity} requests:{quantity}
            VolumeMount: name:string mountPath:string subPath:string readOnly:boolean mountPropagation:string
            Probe: exec:object httpGet:object tcpSocket:object initialDelaySeconds:integer periodSeconds:integer timeoutSeconds:integer successThreshold:integer failureThreshold:integer
            Volume: name:string emptyDir:object hostPath:object configMap:object secret:object persistentVolumeClaim:object projected:object downwardAPI:object
            LocalObjectReference: name:string
            Affinity: nodeAffinity:NodeAffinity podAffinity:object podAntiAffinity:object
            NodeAffinity: requiredDuringSchedulingIgnoredDuringExecution:NodeSelector preferredDuringSchedulingIgnoredDuringExecution:[PreferredSchedulingTerm]
            NodeSelector: nodeSelectorTerms:[NodeSelectorTerm]
            NodeSelectorTerm: matchExpressions:[NodeSelectorRequirement] matchFields:[NodeSelectorRequirement]
            NodeSelectorRequirement: key:string operator:string values:[string]
            PreferredSchedulingTerm: weight:integer preference:NodeSelectorTerm
            Toleration: key:string operator:string value:string effect:string tolerationSeconds:integer
            PodStatus: phase:string conditions:[PodCondition] message:string reason:string hostIP:string podIP:string podIPs:[object] startTime:time containerStatuses:[ContainerStatus] initContainerStatuses:[ContainerStatus] qosClass:string nominatedNodeName:string
            PodCondition: type:string status:string reason:string message:string lastProbeTime:time lastTransitionTime:time
            ContainerStatus: name:string image:string imageID:string containerID:string ready:boolean started:boolean restartCount:integer state:ContainerState lastState:ContainerState
            ContainerState: waiting:object running:object terminated:object
            PodTemplateSpec: metadata:ObjectMeta spec:PodSpec
            Node: spec:NodeSpec status:NodeStatus
            NodeSpec: podCIDR:string podCIDRs:[string] providerID:string unschedulable:boolean taints:[Taint]
            Taint: key:string value:string effect:string timeAdded:time
            NodeStatus: capacity:{quantity} allocatable:{quantity} phase:string conditions:[NodeCondition] addresses:[NodeAddress] daemonEndpoints:object nodeInfo:NodeSystemInfo images:[object]
            NodeCondition: type:string status:string reason:string message:string lastHeartbeatTime:time lastTransitionTime:time
            NodeAddress: type:string address:string
            NodeSystemInfo: machineID:string systemUUID:string bootID:string kernelVersion:string osImage:string containerRuntimeVersion:string kubeletVersion:string kubeProxyVersion:string operatingSystem:string architecture:string
            Namespace: spec:object status:object
            ConfigMap: data:{string} binaryData:{string} immutable:boolean
            Secret: data:{string} stringData:{string} type:string immutable:boolean
            ServiceAccount: secrets:[object] imagePullSecrets:[LocalObjectReference] automountServiceAccountToken:boolean
            Service: spec:ServiceSpec status:object
            ServiceSpec: type:string selector:{string} ports:[ServicePort] clusterIP:string externalIPs:[string] sessionAffinity:string externalName:string
            ServicePort: name:string protocol:string port:integer targetPort:string nodePort:integer
            Event: involvedObject:ObjectReference reason:string message:string type:string count:integer firstTimestamp:time lastTimestamp:time source:object reportingComponent:string reportingInstance:string
            ObjectReference: kind:string namespace:string name:string uid:string apiVersion:string resourceVersion:string fieldPath:string
            """),
        ("io.k8s.api.apps.v1", """
            Deployment: spec:DeploymentSpec status:DeploymentStatus
            DeploymentSpec: replicas:integer selector:LabelSelector template:PodTemplateSpec strategy:DeploymentStrategy minReadySeconds:integer revisionHistoryLimit:integer progressDeadlineSeconds:integer paused:boolean
            DeploymentStrategy: type:string rollingUpdate:RollingUpdateDeployment
            RollingUpdateDeployment: maxSurge:string maxUnavailable:string
            DeploymentStatus: observedGeneration:integer replicas:integer updatedReplicas:integer readyReplicas:integer availableReplicas:integer unavailableReplicas:integer conditions:[object]
            ReplicaSet: spec:ReplicaSetSpec status:ReplicaSetStatus
            ReplicaSetSpec: replicas:integer selector:LabelSelector template:PodTemplateSpec minReadySeconds:integer
            ReplicaSetStatus: replicas:integer fullyLabeledReplicas:integer readyReplicas:integer availableReplicas:integer observedGeneration:integer conditions:[object]
            StatefulSet: spec:StatefulSetSpec status:object
            StatefulSetSpec: replicas:integer selector:LabelSelector template:PodTemplateSpec serviceName:string podManagementPolicy:string updateStrategy:object volumeClaimTemplates:[object]
            DaemonSet: spec:DaemonSetSpec status:object
            DaemonSetSpec: selector:LabelSelector template:PodTemplateSpec updateStrategy:object minReadySeconds:integer
            """),
        ("io.k8s.api.batch.v1", """
            Job: spec:JobSpec status:JobStatus
            JobSpec: parallelism:integer completions:integer activeDeadlineSeconds:integer backoffLimit:integer selector:LabelSelector manualSelector:boolean template:PodTemplateSpec ttlSecondsAfterFinished:integer
            JobStatus: conditions:[object] startTime:time completionTime:time active:integer succeeded:integer failed:integer
            """),
        ("io.k8s.api.policy.v1", """
            PodDisruptionBudget: spec:PodDisruptionBudgetSpec status:PodDisruptionBudgetStatus
            PodDisruptionBudgetSpec: minAvailable:string maxUnavailable:string selector:LabelSelector
            PodDisruptionBudgetStatus: observedGeneration:integer disruptionsAllowed:integer currentHealthy:integer desiredHealthy:integer expectedPods:integer disruptedPods:{time} conditions:[object]
            """),
        ("io.k8s.api.coordination.v1", """
            Lease: spec:LeaseSpec
            LeaseSpec: holderIdentity:string leaseDurationSeconds:integer acquireTime:time renewTime:time leaseTransitions:integer
            """),
        ("io.k8s.apimachinery.pkg.apis.meta.v1", """
            ObjectMeta: name:string generateName:string namespace:string uid:string resourceVersion:string generation:integer creationTimestamp:time deletionTimestamp:time deletionGracePeriodSeconds:integer labels:{string} annotations:{string} ownerReferences:[OwnerReference] finalizers:[string] managedFields:[object]
            OwnerReference: apiVersion:string kind:string name:string uid:string controller:boolean blockOwnerDeletion:boolean
            LabelSelector: matchLabels:{string} matchExpressions:[LabelSelectorRequirement]
            LabelSelectorRequirement: key:string operator:string values:[string]
            """),
    ]

    /// Every type by short name: its component name and fields (name, type text), in line order.
    static let types: [String: (component: String, fields: [(String, String)])] = {
        var types: [String: (component: String, fields: [(String, String)])] = [:]
        for (prefix, lines) in sections {
            for line in lines.split(separator: "\n") {
                let parts = line.split(separator: " ").map(String.init)
                guard let head = parts.first, head.hasSuffix(":") else { continue }
                let name = String(head.dropLast())
                let fields = parts.dropFirst().map { field -> (String, String) in
                    let split = field.split(separator: ":", maxSplits: 1).map(String.init)
                    return (split[0], split.count > 1 ? split[1] : "object")
                }
                types[name] = ("\(prefix).\(name)", fields)
            }
        }
        return types
    }()

    private static let quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity"

    /// The short name of the type whose component name is `component`.
    static let names: [String: String] = Dictionary(uniqueKeysWithValues: types.map { ($0.value.component, $0.key) })

    /// The schemas of the type named `component` and of every type it reaches, by component name;
    /// nil when the catalog has no such type. A kind's schema also gets apiVersion, kind and metadata.
    static func schemas(component: String, isKind: Bool) -> [String: JSONValue]? {
        guard let root = names[component] else { return nil }
        var result: [String: JSONValue] = [:]
        var queue = [root]
        while let name = queue.popLast() {
            if name == quantity {
                result[quantity] = ["type": "string", "description": "A number with an optional SI or binary suffix: 500m, 2, 1.5Gi."]
                continue
            }
            guard let type = types[name], result[type.component] == nil else { continue }
            var properties = JSONObject()
            if isKind && name == root {
                properties["apiVersion"] = ["type": "string", "description": "The versioned schema of this representation of an object."]
                properties["kind"] = ["type": "string", "description": "The REST resource this object represents, in CamelCase."]
                properties["metadata"] = reference("ObjectMeta", description: "Standard object's metadata.")
                queue.append("ObjectMeta")
            }
            for (field, text) in type.fields {
                properties[field] = schema(text, queue: &queue)
            }
            result[type.component] = ["type": "object", "properties": .object(properties)]
        }
        return result
    }

    private static func schema(_ text: String, queue: inout [String]) -> JSONValue {
        switch text {
        case "string", "integer", "boolean", "number": return ["type": .string(text)]
        case "time": return ["type": "string", "format": "date-time"]
        case "quantity":
            queue.append(quantity)
            return ["$ref": .string("#/components/schemas/\(quantity)")]
        case "object": return ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        default: break
        }
        if text.hasPrefix("["), text.hasSuffix("]") {
            return ["type": "array", "items": schema(String(text.dropFirst().dropLast()), queue: &queue)]
        }
        if text.hasPrefix("{"), text.hasSuffix("}") {
            return ["type": "object", "additionalProperties": schema(String(text.dropFirst().dropLast()), queue: &queue)]
        }
        queue.append(text)
        return reference(text, description: nil)
    }

    /// A field of a named type: kubectl follows `allOf` with one reference, as the apiserver writes it.
    private static func reference(_ name: String, description: String?) -> JSONValue {
        var field: JSONValue = ["allOf": [["$ref": .string("#/components/schemas/\(types[name]?.component ?? name)")]]]
        if let description { field["description"] = .string(description) }
        return field
    }
}
