import Loop

/// The objects of one resource held in memory, keyed `namespace/name` (or `name` for cluster-scoped
/// kinds), with secondary indexes such as pods by `spec.nodeName`. Loop-isolated: every reader and
/// the informer that writes it run on the loop, so it needs no lock.
@LoopActor
public final class Store<Object: KubernetesObject> {
    public typealias IndexFunction = @Sendable (Object) -> [String]

    private var objects: [String: Object] = [:]
    private var indexers: [String: IndexFunction]
    /// index name → indexed value → keys of the objects with that value.
    private var indices: [String: [String: Set<String>]] = [:]

    public init(indexers: [String: IndexFunction] = [:]) {
        self.indexers = indexers
        for name in indexers.keys { indices[name] = [:] }
    }

    public nonisolated static func key(of object: Object) -> String {
        key(namespace: object.metadata.namespace, name: object.metadata.name ?? "")
    }

    public nonisolated static func key(namespace: String?, name: String) -> String {
        guard let namespace, !namespace.isEmpty else { return name }
        return namespace + "/" + name
    }

    public var count: Int { objects.count }
    public var all: [Object] { Array(objects.values) }
    public var keys: [String] { Array(objects.keys) }

    public func get(_ key: String) -> Object? { objects[key] }
    public func get(namespace: String?, name: String) -> Object? { objects[Self.key(namespace: namespace, name: name)] }

    /// The store's own copy of an equal key: who keeps a key per object can share its storage.
    public func storedKey(_ key: String) -> String? { objects.index(forKey: key).map { objects.keys[$0] } }

    /// The objects whose index function returned `value`.
    public func byIndex(_ index: String, _ value: String) -> [Object] {
        guard let keys = indices[index]?[value] else { return [] }
        return keys.compactMap { objects[$0] }
    }

    /// Adds or replaces; returns the previous version.
    @discardableResult
    func upsert(_ object: Object) -> Object? {
        let key = Self.key(of: object)
        let old = objects.updateValue(object, forKey: key)
        if let old { unindex(old, key: key) }
        index(object, key: key)
        return old
    }

    @discardableResult
    func remove(_ key: String) -> Object? {
        guard let old = objects.removeValue(forKey: key) else { return nil }
        unindex(old, key: key)
        return old
    }

    private func index(_ object: Object, key: String) {
        for (name, function) in indexers {
            for value in function(object) { indices[name, default: [:]][value, default: []].insert(key) }
        }
    }

    private func unindex(_ object: Object, key: String) {
        for (name, function) in indexers {
            for value in function(object) {
                indices[name]?[value]?.remove(key)
                if indices[name]?[value]?.isEmpty == true { indices[name]?[value] = nil }
            }
        }
    }
}
