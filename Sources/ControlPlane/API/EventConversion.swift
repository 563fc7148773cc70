import Kube

/// events.k8s.io/v1 Events are core/v1 Events seen through other field names (fixtures 07-events-07
/// and -08): one object, stored in the core form, served in either.
enum EventConversion {
    static let apiVersion = "events.k8s.io/v1"

    /// (events.k8s.io name, core name) for the fields that differ; the rest keep their names.
    private static let renamed: [(String, String)] = [
        ("regarding", "involvedObject"), ("note", "message"), ("reportingController", "reportingComponent"),
        ("deprecatedSource", "source"), ("deprecatedFirstTimestamp", "firstTimestamp"),
        ("deprecatedLastTimestamp", "lastTimestamp"), ("deprecatedCount", "count"),
    ]

    /// The events.k8s.io form, keys in the order 1.19 writes them.
    static func fromCore(_ core: JSONValue) -> JSONValue {
        var result: JSONValue = ["kind": "Event", "apiVersion": .string(apiVersion)]
        var metadata = core["metadata"] ?? .object([:])
        if let namespace = metadata["namespace"]?.stringValue, let name = metadata["name"]?.stringValue {
            metadata["selfLink"] = .string("/apis/\(apiVersion)/namespaces/\(namespace)/events/\(name)")
        }
        result["metadata"] = metadata
        let order = [
            "eventTime", "series", "reportingController", "reportingInstance", "action", "reason", "regarding", "related",
            "note", "type", "deprecatedSource", "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount",
        ]
        for key in order {
            let coreKey = renamed.first { $0.0 == key }?.1 ?? key
            guard let value = core[coreKey] else { continue }
            if key == "deprecatedCount", value.int64Value == 0 { continue }
            result[key] = value
        }
        return result
    }

    /// The stored core form of an events.k8s.io object.
    static func toCore(_ event: JSONValue) -> JSONValue {
        var result: JSONValue = ["kind": "Event", "apiVersion": "v1", "metadata": event["metadata"] ?? .object([:])]
        let order = [
            "involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "eventTime",
            "series", "action", "related", "reportingComponent", "reportingInstance",
        ]
        for key in order {
            let newKey = renamed.first { $0.1 == key }?.0 ?? key
            if let value = event[newKey] { result[key] = value }
        }
        if result["source"] == nil { result["source"] = .object([:]) }
        if result["firstTimestamp"] == nil { result["firstTimestamp"] = .null }
        if result["lastTimestamp"] == nil { result["lastTimestamp"] = .null }
        return result
    }
}
