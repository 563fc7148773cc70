/// Every resource served right now: the built-ins plus those custom resource definitions add.
struct ResourceRegistry: Sendable {
    private(set) var types: [ResourceType] = BuiltinResources.all
    private var byPath: [String: Int] = [:]

    init() { reindex() }

    /// The type at `/apis/<group>/<version>/<resource>` (group "" for the core API).
    func lookup(group: String, version: String, resource: String) -> ResourceType? {
        byPath["\(group)/\(version)/\(resource)"].map { types[$0] }
    }

    /// The served types of a group-version, in registration order.
    func types(group: String, version: String) -> [ResourceType] {
        types.filter { $0.group == group && $0.version == version }
    }

    /// Groups other than core with their versions, the first version preferred.
    var groups: [(name: String, versions: [String])] {
        var result: [(name: String, versions: [String])] = []
        for type in types where !type.group.isEmpty {
            if let index = result.firstIndex(where: { $0.name == type.group }) {
                if !result[index].versions.contains(type.version) { result[index].versions.append(type.version) }
            } else {
                result.append((type.group, [type.version]))
            }
        }
        return result
    }

    /// Serves (or stops serving) the versions a custom resource definition names.
    mutating func setCustom(_ definitionName: String, types custom: [ResourceType]) {
        types.removeAll { $0.isCustom && "\($0.resource).\($0.group)" == definitionName }
        types.append(contentsOf: custom)
        reindex()
    }

    private mutating func reindex() {
        byPath = [:]
        for (index, type) in types.enumerated() { byPath["\(type.group)/\(type.version)/\(type.resource)"] = index }
    }
}
