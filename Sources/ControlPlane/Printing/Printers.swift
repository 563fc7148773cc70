import Kube

/// The 1.19 printers of the kinds we serve; other kinds get Name and Created At.
enum Printers {
    static func printer(for type: ResourceType) -> TablePrinter {
        switch type.kind {
        case "Pod": pod
        case "Node": node
        case "Namespace": simple([column("Status", "The status of the namespace")]) { [text($0["status"]?["phase"])] }
        case "ConfigMap":
            simple([column("Data", "Number of data entries", type: "integer")]) {
                [.integer(Int64(($0["data"]?.objectValue?.count ?? 0) + ($0["binaryData"]?.objectValue?.count ?? 0)))]
            }
        case "Secret":
            simple([column("Type", "The type of secret"), column("Data", "Number of data entries", type: "integer")]) {
                [text($0["type"]), .integer(Int64($0["data"]?.objectValue?.count ?? 0))]
            }
        case "Deployment": deployment
        case "ReplicaSet":
            simple([
                column("Desired", "Number of desired pods", type: "integer"),
                column("Current", "Number of actually running pods", type: "integer"),
                column("Ready", "Number of ready pods", type: "integer"),
            ]) { [int($0["spec"]?["replicas"]), int($0["status"]?["replicas"]), int($0["status"]?["readyReplicas"])] }
        case "Job":
            simple([column("Completions", "The completion status of the job")]) {
                [.string("\($0["status"]?["succeeded"]?.int64Value ?? 0)/\($0["spec"]?["completions"]?.int64Value ?? 1)")]
            }
        case "Lease": simple([column("Holder", "The holder of the lease")]) { [text($0["spec"]?["holderIdentity"], empty: "")] }
        case "ServiceAccount":
            simple([column("Secrets", "Number of secrets", type: "integer")]) { [.integer(Int64($0["secrets"]?.arrayValue?.count ?? 0))] }
        case "Service": service
        case "Event": event
        default:
            TablePrinter(
                columns: [TableColumn.name, TableColumn(name: "Created At", format: "date", description: "Time when the object was created")],
                cells: { object, _ in [text(object["metadata"]?["name"]), object["metadata"]?["creationTimestamp"] ?? .null] })
        }
    }

    /// A custom resource's additionalPrinterColumns between Name and Age.
    static func custom(_ definitions: [JSONValue]) -> TablePrinter {
        let columns = definitions.map { definition in
            TableColumn(
                name: definition["name"]?.stringValue ?? "", type: definition["type"]?.stringValue ?? "string",
                format: definition["format"]?.stringValue ?? "", description: definition["description"]?.stringValue ?? "",
                priority: Int(definition["priority"]?.int64Value ?? 0))
        }
        let paths = definitions.map { $0["jsonPath"]?.stringValue ?? "" }
        return TablePrinter(columns: [TableColumn.name] + columns + [TableColumn.age]) { object, now in
            let values = paths.map { path -> JSONValue in
                var current: JSONValue? = object
                for part in path.split(separator: ".") { current = current?[String(part)] }
                return current ?? .null
            }
            return [text(object["metadata"]?["name"])] + values + [.string(Tables.age(object["metadata"]?["creationTimestamp"], now: now))]
        }
    }

    static func column(_ name: String, _ description: String, type: String = "string", priority: Int = 0) -> TableColumn {
        TableColumn(name: name, type: type, description: description, priority: priority)
    }

    /// Name, the kind's columns, Age.
    static func simple(_ columns: [TableColumn], _ cells: @escaping @Sendable (JSONValue) -> [JSONValue]) -> TablePrinter {
        TablePrinter(columns: [TableColumn.name] + columns + [TableColumn.age]) { object, now in
            [text(object["metadata"]?["name"])] + cells(object) + [.string(Tables.age(object["metadata"]?["creationTimestamp"], now: now))]
        }
    }

    static func text(_ value: JSONValue?, empty: String = "<none>") -> JSONValue {
        guard let string = value?.stringValue, !string.isEmpty else { return .string(empty) }
        return .string(string)
    }

    static func int(_ value: JSONValue?) -> JSONValue { .integer(value?.int64Value ?? 0) }

    static let pod = TablePrinter(
        columns: [
            TableColumn.name, column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            column("Status", "The aggregate status of the containers in this pod."),
            column("Restarts", "The number of times the containers in this pod have been restarted.", type: "integer"),
            TableColumn.age,
            column("IP", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", priority: 1),
            column("Node", "NodeName is a request to schedule this pod onto a specific node.", priority: 1),
            column("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node.", priority: 1),
            column("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.", priority: 1),
        ],
        cells: { pod, now in
            let statuses = pod["status"]?["containerStatuses"]?.arrayValue ?? []
            let total = pod["spec"]?["containers"]?.arrayValue?.count ?? 0
            let ready = statuses.filter { $0["ready"] == true }.count
            let restarts = statuses.reduce(Int64(0)) { $0 + ($1["restartCount"]?.int64Value ?? 0) }
            return [
                text(pod["metadata"]?["name"]), .string("\(ready)/\(total)"), .string(podStatus(pod)), .integer(restarts),
                .string(Tables.age(pod["metadata"]?["creationTimestamp"], now: now)), text(pod["status"]?["podIP"]),
                text(pod["spec"]?["nodeName"]), text(pod["status"]?["nominatedNodeName"]), "<none>",
            ]
        })

    /// The STATUS column: the phase, refined by container states and deletion, as kubectl shows it.
    static func podStatus(_ pod: JSONValue) -> String {
        var reason = pod["status"]?["reason"]?.stringValue ?? pod["status"]?["phase"]?.stringValue ?? "Unknown"
        var running = false
        for container in (pod["status"]?["containerStatuses"]?.arrayValue ?? []).reversed() {
            let state = container["state"]
            if let waiting = state?["waiting"]?["reason"]?.stringValue, !waiting.isEmpty {
                reason = waiting
            } else if let terminated = state?["terminated"] {
                reason = terminated["reason"]?.stringValue ?? "ExitCode:\(terminated["exitCode"]?.int64Value ?? 0)"
            } else if state?["running"] != nil, container["ready"] == true {
                running = true
            }
        }
        if reason == "Completed", running { reason = "Running" }
        if pod["metadata"]?["deletionTimestamp"] != nil {
            reason = pod["status"]?["reason"]?.stringValue == "NodeLost" ? "Unknown" : "Terminating"
        }
        return reason
    }

    static let node = TablePrinter(
        columns: [
            TableColumn.name, column("Status", "The status of the node"), column("Roles", "The roles of the node"),
            TableColumn.age, column("Version", "Kubelet Version reported by the node."),
            column("Internal-IP", "List of internal IPs assigned to the node.", priority: 1),
            column("External-IP", "List of external IPs assigned to the node.", priority: 1),
            column("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", priority: 1),
            column("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", priority: 1),
            column("Container-Runtime", "Container runtime version reported by the node.", priority: 1),
        ],
        cells: { node, now in
            let ready = node["status"]?["conditions"]?.arrayValue?.first { $0["type"] == "Ready" }?["status"]?.stringValue
            var status = ready == "True" ? "Ready" : ready == "False" ? "NotReady" : "Unknown"
            if node["spec"]?["unschedulable"] == true { status += ",SchedulingDisabled" }
            var roles: [String] = []
            for (label, value) in node["metadata"]?["labels"]?.objectValue ?? JSONObject() {
                if label.hasPrefix("node-role.kubernetes.io/") { roles.append(String(label.dropFirst(24))) }
                if label == "kubernetes.io/role", let role = value.stringValue { roles.append(role) }
            }
            let addresses = node["status"]?["addresses"]?.arrayValue ?? []
            func address(_ type: String) -> JSONValue {
                text(addresses.first { $0["type"]?.stringValue == type }?["address"])
            }
            let info = node["status"]?["nodeInfo"]
            return [
                text(node["metadata"]?["name"]), .string(status), .string(roles.isEmpty ? "<none>" : roles.sorted().joined(separator: ",")),
                .string(Tables.age(node["metadata"]?["creationTimestamp"], now: now)), text(info?["kubeletVersion"], empty: ""),
                address("InternalIP"), address("ExternalIP"), text(info?["osImage"], empty: "<unknown>"),
                text(info?["kernelVersion"], empty: "<unknown>"), text(info?["containerRuntimeVersion"], empty: "<unknown>"),
            ]
        })

    static let deployment = simple([
        column("Ready", "Number of the pod with ready state"),
        column("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", type: "integer"),
        column("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", type: "integer"),
    ]) { deployment in
        let ready = deployment["status"]?["readyReplicas"]?.int64Value ?? 0
        let desired = deployment["spec"]?["replicas"]?.int64Value ?? 1
        return [.string("\(ready)/\(desired)"), int(deployment["status"]?["updatedReplicas"]), int(deployment["status"]?["availableReplicas"])]
    }

    static let service = simple([
        column("Type", "The type of the service"), column("Cluster-IP", "The cluster IP of the service"),
        column("External-IP", "The external IP of the service"), column("Port(s)", "The ports of the service"),
    ]) { service in
        let ports = (service["spec"]?["ports"]?.arrayValue ?? []).map {
            "\($0["port"]?.int64Value ?? 0)/\($0["protocol"]?.stringValue ?? "TCP")"
        }
        return [
            text(service["spec"]?["type"], empty: "ClusterIP"), text(service["spec"]?["clusterIP"]), "<none>",
            .string(ports.isEmpty ? "<none>" : ports.joined(separator: ",")),
        ]
    }

    static let event = TablePrinter(
        columns: [
            column("Last Seen", "Time when this Event was last seen"), column("Type", "Type of this event (Normal, Warning), new types could be added in the future."),
            column("Reason", "Short, machine understandable string that gives the reason for this event being generated."),
            column("Object", "The object that this event is about."), column("Message", "A human-readable description of the status of this operation."),
        ],
        cells: { event, now in
            let involved = event["involvedObject"]
            let object = "\((involved?["kind"]?.stringValue ?? "").lowercased())/\(involved?["name"]?.stringValue ?? "")"
            return [
                .string(Tables.age(event["lastTimestamp"] ?? event["eventTime"], now: now)), text(event["type"]), text(event["reason"]),
                .string(object), text(event["message"]),
            ]
        })
}
