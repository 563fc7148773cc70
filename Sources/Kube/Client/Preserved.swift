/// A typed object together with the JSON it was read from, so that writing it back keeps every field
/// the Swift type does not model (a newer API server's fields, another controller's annotations).
///
/// Typed changes are applied to the original document as a merge patch (the diff between the object as
/// read and as changed). Maps merge key by key; a list the caller changed is written whole from the
/// typed value, so unmodelled fields inside the elements of a *changed* list are not kept.
public struct Preserved<Object: KubernetesObject>: Sendable {
    public var object: Object
    public let original: JSONValue
    private let decoded: Object

    public init(_ document: JSONValue) throws(KubeError) {
        do {
            decoded = try document.decode(Object.self)
        } catch {
            throw .decoding("decoding \(Object.self): \(error)")
        }
        object = decoded
        original = document
    }

    /// The document to write: the original with the typed changes merged in.
    public func document() throws(KubeError) -> JSONValue {
        let before = try JSONValue(encoding: decoded)
        let after = try JSONValue(encoding: object)
        return MergePatch.apply(MergePatch.create(from: before, to: after), to: original)
    }
}

extension KubeClient {
    /// Reads an object keeping its full JSON alongside the typed view.
    public func getPreserved<T: KubernetesObject>(
        _ type: T.Type, name: String, namespace: String? = nil
    ) async throws(KubeError) -> Preserved<T> {
        try Preserved(try await get(T.resource, name: name, namespace: namespace))
    }

    /// PUTs the preserved document with the typed changes; 409 on a stale resourceVersion.
    public func update<T: KubernetesObject>(
        _ preserved: Preserved<T>, subresource: String? = nil
    ) async throws(KubeError) -> Preserved<T> {
        try Preserved(try await update(T.resource, try preserved.document(), subresource: subresource))
    }
}
