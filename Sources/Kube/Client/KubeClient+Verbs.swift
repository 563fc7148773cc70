import Foundation
import HTTP
import HTTPClient
import Loop

extension APIResource {
    /// `/api/v1/namespaces/ns/pods/name/status`; a nil namespace on a namespaced resource means all namespaces.
    public func path(namespace: String? = nil, name: String? = nil, subresource: String? = nil) -> String {
        var path = groupVersionPath
        if namespaced, let namespace { path += "/namespaces/" + PercentEncoding.encode(namespace) }
        path += "/" + resource
        if let name { path += "/" + PercentEncoding.encode(name) }
        if let subresource { path += "/" + subresource }
        return path
    }
}

extension KubeClient {
    // MARK: typed

    public func get<T: KubernetesObject>(_ type: T.Type, name: String, namespace: String? = nil) async throws(KubeError) -> T {
        try decode(try await send(.get, path: try path(T.resource, namespace, name)).body)
    }

    /// One page of a list (follow `metadata.continue` for more, or use `listAll`).
    public func list<T: KubernetesObject>(
        _ type: T.Type, namespace: String? = nil, options: ListOptions = ListOptions()
    ) async throws(KubeError) -> ObjectList<T> {
        try decode(try await send(.get, path: T.resource.path(namespace: namespace), query: options.queryItems).body)
    }

    /// Every page of a list, concatenated; the result carries the last page's resourceVersion.
    public func listAll<T: KubernetesObject>(
        _ type: T.Type, namespace: String? = nil, options: ListOptions = ListOptions()
    ) async throws(KubeError) -> ObjectList<T> {
        var options = options
        var page = try await list(type, namespace: namespace, options: options)
        var items = page.items
        while let next = page.metadata?.continue, !next.isEmpty {
            options.continue = next
            page = try await list(type, namespace: namespace, options: options)
            items += page.items
        }
        page.items = items
        return page
    }

    public func create<T: KubernetesObject>(_ object: T, namespace: String? = nil) async throws(KubeError) -> T {
        try decode(try await post(object, namespace: namespace).body)
    }

    /// A create whose answer nobody reads (events): decoding it would cost more than the write.
    public func createWithoutResult<T: KubernetesObject>(_ object: T, namespace: String? = nil) async throws(KubeError) {
        _ = try await post(object, namespace: namespace)
    }

    private func post<T: KubernetesObject>(_ object: T, namespace: String?) async throws(KubeError) -> HTTPClientResponse {
        let path = try path(T.resource, namespace ?? object.metadata.namespace, nil)
        return try await send(.post, path: path, body: try await encodeOffLoop(object), contentType: "application/json")
    }

    /// PUT: optimistic concurrency through `metadata.resourceVersion` (a stale one answers 409).
    /// Writes only the fields `T` models: to keep the rest, read with `getPreserved` and write the
    /// `Preserved` value, or use `retryOnConflict` or a patch.
    public func update<T: KubernetesObject>(_ object: T, subresource: String? = nil) async throws(KubeError) -> T {
        guard let name = object.metadata.name else { throw .invalidRequest("update of a \(T.resource.kind) without metadata.name") }
        let path = try path(T.resource, object.metadata.namespace, name, subresource)
        return try decode(try await send(.put, path: path, body: try await encodeOffLoop(object), contentType: "application/json").body)
    }

    public func updateStatus<T: KubernetesObject>(_ object: T) async throws(KubeError) -> T {
        try await update(object, subresource: "status")
    }

    public func patch<T: KubernetesObject>(
        _ type: T.Type, name: String, namespace: String? = nil, patch: JSONValue, type patchType: PatchType,
        subresource: String? = nil
    ) async throws(KubeError) -> T {
        let path = try path(T.resource, namespace, name, subresource)
        let response = try await send(.patch, path: path, body: patch.serialized(), contentType: patchType.rawValue)
        return try decode(response.body)
    }

    /// Deletes; returns what the server answered (the object for pods under grace, else a Status).
    @discardableResult
    public func delete<T: KubernetesObject>(
        _ type: T.Type, name: String, namespace: String? = nil, options: DeleteOptions? = nil
    ) async throws(KubeError) -> JSONValue {
        try await delete(T.resource, name: name, namespace: namespace, options: options)
    }

    /// Reads, changes and writes an object, re-reading and trying again on 409 Conflict. Fields the
    /// Swift type does not model are kept (see `Preserved`).
    public func retryOnConflict<T: KubernetesObject>(
        _ type: T.Type, name: String, namespace: String? = nil, attempts: Int = 5,
        _ change: (inout T) throws(KubeError) -> Void
    ) async throws(KubeError) -> T {
        var attempt = 0
        while true {
            var preserved = try await getPreserved(type, name: name, namespace: namespace)
            try change(&preserved.object)
            do {
                return try await update(preserved).object
            } catch let error where error.isConflict && attempt + 1 < attempts {
                attempt += 1
            }
        }
    }

    // MARK: untyped (custom resources, generic controllers)

    public func get(_ resource: APIResource, name: String, namespace: String? = nil) async throws(KubeError) -> JSONValue {
        try parse(try await send(.get, path: try path(resource, namespace, name)).body)
    }

    public func list(_ resource: APIResource, namespace: String? = nil, options: ListOptions = ListOptions()) async throws(KubeError) -> JSONValue {
        try parse(try await send(.get, path: resource.path(namespace: namespace), query: options.queryItems).body)
    }

    public func create(_ resource: APIResource, _ object: JSONValue, namespace: String? = nil) async throws(KubeError) -> JSONValue {
        let namespace = namespace ?? object["metadata"]?["namespace"]?.stringValue
        let path = try path(resource, namespace, nil)
        return try parse(try await send(.post, path: path, body: object.serialized(), contentType: "application/json").body)
    }

    public func update(_ resource: APIResource, _ object: JSONValue, subresource: String? = nil) async throws(KubeError) -> JSONValue {
        guard let name = object["metadata"]?["name"]?.stringValue else {
            throw .invalidRequest("update of a \(resource.kind) without metadata.name")
        }
        let path = try path(resource, object["metadata"]?["namespace"]?.stringValue, name, subresource)
        return try parse(try await send(.put, path: path, body: object.serialized(), contentType: "application/json").body)
    }

    public func patch(
        _ resource: APIResource, name: String, namespace: String? = nil, patch: JSONValue, type: PatchType,
        subresource: String? = nil
    ) async throws(KubeError) -> JSONValue {
        try parse(try await patchAnswer(resource, name: name, namespace: namespace, patch: patch, type: type, subresource: subresource))
    }

    /// `patch`, answering with the server's bytes unparsed: for callers that read a field or two of
    /// them (`JSONScanner`), as parsing a whole Node or Pod costs more than the rest of the write.
    public func patchAnswer(
        _ resource: APIResource, name: String, namespace: String? = nil, patch: JSONValue, type: PatchType,
        subresource: String? = nil
    ) async throws(KubeError) -> [UInt8] {
        let path = try path(resource, namespace, name, subresource)
        return try await send(.patch, path: path, body: patch.serialized(), contentType: type.rawValue).body
    }

    @discardableResult
    public func delete(
        _ resource: APIResource, name: String, namespace: String? = nil, options: DeleteOptions? = nil
    ) async throws(KubeError) -> JSONValue {
        let body = try options.map { options throws(KubeError) in try Self.encode(options) }
        let response = try await send(
            .delete, path: try path(resource, namespace, name), body: body, contentType: body == nil ? nil : "application/json")
        return try parse(response.body)
    }

    // MARK: subresources

    /// POSTs to a subresource (`binding`, `eviction`) and returns the server's answer (a Status on success).
    @discardableResult
    public func post<Body: Encodable>(
        _ resource: APIResource, name: String, namespace: String?, subresource: String, body: Body
    ) async throws(KubeError) -> JSONValue {
        let path = try path(resource, namespace, name, subresource)
        return try parse(try await send(.post, path: path, body: try Self.encode(body), contentType: "application/json").body)
    }

    /// Streams a container's log (`follow`, `tailLines`, … as query items).
    public func logs(pod: String, namespace: String, query: [(String, String)] = []) async throws(KubeError) -> HTTPClientStream {
        try await stream(Pod.resource.path(namespace: namespace, name: pod, subresource: "log"), query: query)
    }

    // MARK: coding

    func path(_ resource: APIResource, _ namespace: String?, _ name: String?, _ subresource: String? = nil) throws(KubeError) -> String {
        if resource.namespaced, name != nil, namespace == nil {
            throw .invalidRequest("\(resource.kind) \(name!) needs a namespace")
        }
        return resource.path(namespace: namespace, name: name, subresource: subresource)
    }

    /// Through `JSONValue` both ways: parsing and decoding from it costs a third less than JSONDecoder,
    /// and encoding to it then writing a third less than JSONEncoder.
    func decode<T: Decodable>(_ body: [UInt8]) throws(KubeError) -> T {
        do { return try JSONValueDecoder().decode(T.self, from: try JSONValue(parsing: body)) } catch {
            throw .decoding("decoding \(T.self): \(error)")
        }
    }

    nonisolated static func encode<T: Encodable>(_ value: T) throws(KubeError) -> [UInt8] {
        do { return try JSONValueEncoder().encode(value).serialized() } catch { throw .invalidRequest("encoding \(T.self): \(error)") }
    }

    /// A whole object's body is encoded on another thread: the loop serves other requests meanwhile.
    func encodeOffLoop<T: Encodable & Sendable>(_ value: T) async throws(KubeError) -> [UInt8] {
        try await offLoop { () throws(KubeError) in try Self.encode(value) }
    }

    func parse(_ body: [UInt8]) throws(KubeError) -> JSONValue {
        do { return try JSONValue(parsing: body) } catch { throw .decoding("invalid JSON from the server: \(error)") }
    }
}
