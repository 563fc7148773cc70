import Kube
import Loop

extension APIServer {
    /// A CRD was written: serve its versions and mark it established; a CRD going away takes its
    /// custom resources with it.
    func customResourceDefinitionChanged(_ key: ObjectKey, new: JSONValue?) {
        guard let definition = new, definition["metadata"]?["deletionTimestamp"] == nil else {
            removeCustomResources(key.name)
            return
        }
        registry.setCustom(key.name, types: Self.servedTypes(definition))
        let now = configuration.now().rfc3339
        updateInternal("apiextensions.k8s.io/customresourcedefinitions", key) { object in
            var status = object["status"] ?? .object([:])
            guard status["conditions"]?.arrayValue?.contains(where: { $0["type"] == "Established" }) != true else { return }
            status["conditions"] = [
                ["type": "NamesAccepted", "status": "True", "lastTransitionTime": .string(now), "reason": "NoConflicts", "message": "no conflicts found"],
                [
                    "type": "Established", "status": "True", "lastTransitionTime": .string(now), "reason": "InitialNamesAccepted",
                    "message": "the initial names have been accepted",
                ],
            ]
            status["acceptedNames"] = object["spec"]?["names"]
            let stored = (object["spec"]?["versions"]?.arrayValue ?? []).filter { $0["storage"] == true }.compactMap { $0["name"] }
            status["storedVersions"] = .array(stored)
            object["status"] = status
        }
    }

    private func removeCustomResources(_ definitionName: String) {
        let served = registry.types.filter { $0.isCustom && "\($0.resource).\($0.group)" == definitionName }
        for storageKey in Set(served.map(\.storageKey)) {
            for (key, _) in store.list(storageKey, namespace: nil) { store.remove(storageKey, key) }
            store.dropCollection(storageKey)
        }
        registry.setCustom(definitionName, types: [])
    }

    /// The served versions of a CRD as resource types.
    static func servedTypes(_ definition: JSONValue) -> [ResourceType] {
        let spec = definition["spec"]
        let names = spec?["names"]
        guard let group = spec?["group"]?.stringValue, let plural = names?["plural"]?.stringValue,
            let kind = names?["kind"]?.stringValue
        else { return [] }
        return (spec?["versions"]?.arrayValue ?? []).filter { $0["served"] != false }.compactMap { version in
            guard let name = version["name"]?.stringValue else { return nil }
            var subresources: Set<String> = []
            if version["subresources"]?["status"] != nil { subresources.insert("status") }
            if version["subresources"]?["scale"] != nil { subresources.insert("scale") }
            return ResourceType(
                group: group, version: name, resource: plural, kind: kind, namespaced: spec?["scope"] != "Cluster",
                shortNames: (names?["shortNames"]?.arrayValue ?? []).compactMap(\.stringValue),
                categories: (names?["categories"]?.arrayValue ?? []).compactMap(\.stringValue), subresources: subresources,
                isCustom: true)
        }
    }

    /// The OpenAPI schema a CRD gives for `type`'s version.
    func customSchema(_ type: ResourceType) -> JSONValue? {
        let definition = store.get(
            "apiextensions.k8s.io/customresourcedefinitions", ObjectKey(namespace: "", name: "\(type.resource).\(type.group)"))
        let version = definition?["spec"]?["versions"]?.arrayValue?.first { $0["name"]?.stringValue == type.version }
        return version?["schema"]?["openAPIV3Schema"]
    }

    /// The CRD's printer columns for `type`'s version.
    func customColumns(_ type: ResourceType) -> [JSONValue] {
        let definition = store.get(
            "apiextensions.k8s.io/customresourcedefinitions", ObjectKey(namespace: "", name: "\(type.resource).\(type.group)"))
        let version = definition?["spec"]?["versions"]?.arrayValue?.first { $0["name"]?.stringValue == type.version }
        return version?["additionalPrinterColumns"]?.arrayValue ?? []
    }
}
