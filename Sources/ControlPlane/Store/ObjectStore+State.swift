import Kube
import Loop

extension ObjectStore {
    /// Everything stored, as one JSON document: `{"resourceVersion": N, "collections": {key: [objects]}}`.
    func exportState() -> JSONValue {
        var collections = JSONObject()
        for key in storageKeys.sorted() {
            collections[key] = .array(list(key, namespace: nil).map(\.value))
        }
        return ["resourceVersion": .integer(resourceVersion), "collections": .object(collections)]
    }

    /// Replaces the contents with an exported state; watches start over from its resourceVersion.
    func importState(_ state: JSONValue) throws(StateError) {
        guard let version = state["resourceVersion"]?.int64Value, let collections = state["collections"]?.objectValue else {
            throw StateError("not a node-agent state file (no resourceVersion or collections)")
        }
        var restored: [String: [ObjectKey: JSONValue]] = [:]
        for (storageKey, objects) in collections {
            for object in objects.arrayValue ?? [] {
                guard let name = object["metadata"]?["name"]?.stringValue else {
                    throw StateError("an object in \(storageKey) has no metadata.name")
                }
                let key = ObjectKey(namespace: object["metadata"]?["namespace"]?.stringValue ?? "", name: name)
                restored[storageKey, default: [:]][key] = object
            }
        }
        replaceAll(restored, resourceVersion: version)
    }
}

public struct StateError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
