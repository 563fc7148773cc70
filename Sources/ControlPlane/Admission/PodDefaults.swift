import Kube

/// The defaults a 1.19 apiserver adds to a created pod (fixture 04-pods-01): scheduling and
/// lifecycle fields, the service account token volume and the not-ready/unreachable tolerations.
enum PodDefaults {
    static func apply(to pod: inout JSONValue, tokenSecret: String?) {
        var spec = pod["spec"] ?? .object([:])
        let account = spec["serviceAccountName"]?.stringValue ?? spec["serviceAccount"]?.stringValue ?? "default"
        if let tokenSecret, spec["automountServiceAccountToken"]?.boolValue != false {
            var volumes = spec["volumes"]?.arrayValue ?? []
            if !volumes.contains(where: { $0["name"]?.stringValue == tokenSecret }) {
                volumes.insert(["name": .string(tokenSecret), "secret": ["secretName": .string(tokenSecret), "defaultMode": 420]], at: 0)
            }
            spec["volumes"] = .array(volumes)
        }
        for list in ["initContainers", "containers"] {
            guard let containers = spec[list]?.arrayValue else { continue }
            spec[list] = .array(containers.map { defaultContainer($0, tokenSecret: tokenSecret) })
        }
        setDefault(&spec, "restartPolicy", "Always")
        setDefault(&spec, "terminationGracePeriodSeconds", 30)
        setDefault(&spec, "dnsPolicy", "ClusterFirst")
        spec["serviceAccountName"] = .string(account)
        spec["serviceAccount"] = .string(account)
        setDefault(&spec, "securityContext", .object([:]))
        setDefault(&spec, "schedulerName", "default-scheduler")
        var tolerations = spec["tolerations"]?.arrayValue ?? []
        for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]
        where !tolerations.contains(where: { $0["key"]?.stringValue == key && ($0["effect"]?.stringValue ?? "NoExecute") == "NoExecute" }) {
            tolerations.append(["key": .string(key), "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300])
        }
        spec["tolerations"] = .array(tolerations)
        setDefault(&spec, "priority", 0)
        setDefault(&spec, "enableServiceLinks", true)
        setDefault(&spec, "preemptionPolicy", "PreemptLowerPriority")
        pod["spec"] = spec
        pod["status"] = ["phase": "Pending", "qosClass": .string(qosClass(spec))]
    }

    private static func setDefault(_ object: inout JSONValue, _ key: String, _ value: JSONValue) {
        if object[key] == nil { object[key] = value }
    }

    private static func defaultContainer(_ container: JSONValue, tokenSecret: String?) -> JSONValue {
        var container = container
        if let tokenSecret {
            var mounts = container["volumeMounts"]?.arrayValue ?? []
            let path = "/var/run/secrets/kubernetes.io/serviceaccount"
            if !mounts.contains(where: { $0["mountPath"]?.stringValue == path }) {
                mounts.append(["name": .string(tokenSecret), "readOnly": true, "mountPath": .string(path)])
            }
            container["volumeMounts"] = .array(mounts)
        }
        setDefault(&container, "terminationMessagePath", "/dev/termination-log")
        setDefault(&container, "terminationMessagePolicy", "File")
        let image = container["image"]?.stringValue ?? ""
        let tag = image.split(separator: "/").last.map { $0.contains(":") || $0.contains("@") } ?? false
        setDefault(&container, "imagePullPolicy", .string(tag && !image.hasSuffix(":latest") ? "IfNotPresent" : "Always"))
        if var ports = container["ports"]?.arrayValue {
            for index in ports.indices where ports[index]["protocol"] == nil { ports[index]["protocol"] = "TCP" }
            container["ports"] = .array(ports)
        }
        return container
    }

    /// Guaranteed when every container sets equal cpu and memory requests and limits; BestEffort
    /// when none sets any; Burstable otherwise.
    static func qosClass(_ spec: JSONValue) -> String {
        let containers = (spec["containers"]?.arrayValue ?? []) + (spec["initContainers"]?.arrayValue ?? [])
        var any = false
        var guaranteed = true
        for container in containers {
            let requests = container["resources"]?["requests"]?.objectValue ?? JSONObject()
            let limits = container["resources"]?["limits"]?.objectValue ?? JSONObject()
            if !requests.isEmpty || !limits.isEmpty { any = true }
            for resource in ["cpu", "memory"] {
                guard let limit = limits[resource] else { guaranteed = false; continue }
                if let request = requests[resource], request != limit { guaranteed = false }
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable"
    }
}
