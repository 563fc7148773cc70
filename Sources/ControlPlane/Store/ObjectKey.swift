/// Where an object lives in its collection: namespace ("" for cluster-scoped objects) and name.
struct ObjectKey: Hashable, Sendable, Comparable {
    var namespace: String
    var name: String

    /// `ns/name` — the order lists are returned in and what continue tokens carry.
    var text: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    /// Ordered by `text`, as etcd orders keys: continue tokens name a position in this order.
    static func < (a: ObjectKey, b: ObjectKey) -> Bool { a.text < b.text }
}
