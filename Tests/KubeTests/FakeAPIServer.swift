import Foundation
import HTTP
import HTTPServer
import Kube
import Loop

/// A small in-memory API server for client tests: objects as JSON with a resourceVersion counter,
/// list pagination and simple selectors, watches (with bookmarks and 410 for compacted versions, sent
/// in-stream as a real apiserver does, or as HTTP 410 when `goneAsHTTPStatus`), and scripted failures.
@LoopActor
final class FakeAPIServer {
    struct Failure {
        let method: HTTPMethod
        let pathPrefix: String
        let status: HTTPStatus
        let headers: HTTPHeaders
        let body: String
    }

    private struct Event {
        let resourceVersion: Int
        let collection: String
        let type: String
        let object: JSONValue
    }

    private(set) var server: HTTPServer!
    private var objects: [String: JSONValue] = [:]  // full object path → object
    private var events: [Event] = []
    private var watchers: [(collection: String, from: Int, writer: any HTTPResponseWriter, bookmarks: Bool)] = []
    private var failures: [Failure] = []
    private(set) var resourceVersion = 100
    /// Watches asking for a version below this get "410 Expired".
    var compactedBelow = 0
    var goneAsHTTPStatus = false
    var pageSize: Int?
    /// Every request as "METHOD target", in order.
    private(set) var requests: [String] = []
    /// The client address and port of each request, in order.
    private(set) var peers: [String] = []
    /// Request bodies, in order (empty for none).
    private(set) var bodies: [String] = []
    /// Recorded watch streams served verbatim (then the stream ends), by collection path.
    var replays: [String: [UInt8]] = [:]
    private let scheme: String

    var url: String { "\(scheme)://127.0.0.1:\(server.port)" }

    init(tls: TLSConfiguration? = nil) throws {
        scheme = tls == nil ? "http" : "https"
        var router = Router()
        for method in [HTTPMethod.get, .post, .put, .patch, .delete] {
            router.add(method, "/{rest...}", .streaming { [weak self] request, writer in
                await self?.handle(request, writer)
            })
        }
        server = try HTTPServer(configuration: HTTPServerConfiguration(tls: tls), router: router)
        try server.start()
    }

    func stop() async {
        closeWatches()
        await server.stop(gracePeriod: .seconds(1))
    }

    func fail(_ method: HTTPMethod, _ pathPrefix: String, status: Int, times: Int = 1, retryAfter: Int? = nil) {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let retryAfter { headers.add("Retry-After", String(retryAfter)) }
        let reason = status == 429 ? "TooManyRequests" : "InternalError"
        let body = #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"injected","reason":"\#(reason)","code":\#(status)}"#
        for _ in 0..<times { failures.append(Failure(method: method, pathPrefix: pathPrefix, status: HTTPStatus(status), headers: headers, body: body)) }
    }

    func clearFailures() { failures = [] }

    /// Ends every open watch, as the server's timeout would.
    func closeWatches() {
        for watcher in watchers { watcher.writer.end() }
        watchers = []
    }

    /// Stores an object directly (as another client would), emitting its watch event.
    @discardableResult
    func put(_ collection: String, _ object: JSONValue, type: String? = nil) -> JSONValue {
        var object = object
        let name = object["metadata"]?["name"]?.stringValue ?? ""
        resourceVersion += 1
        object["metadata"]?["resourceVersion"] = .string(String(resourceVersion))
        if object["metadata"]?["uid"] == nil { object["metadata"]?["uid"] = .string("uid-\(name)") }
        let key = collection + "/" + name
        let eventType = type ?? (objects[key] == nil ? "ADDED" : "MODIFIED")
        objects[key] = object
        emit(Event(resourceVersion: resourceVersion, collection: collection, type: eventType, object: object))
        return object
    }

    func remove(_ collection: String, name: String) {
        guard var object = objects.removeValue(forKey: collection + "/" + name) else { return }
        resourceVersion += 1
        object["metadata"]?["resourceVersion"] = .string(String(resourceVersion))
        emit(Event(resourceVersion: resourceVersion, collection: collection, type: "DELETED", object: object))
    }

    func object(_ collection: String, _ name: String) -> JSONValue? { objects[collection + "/" + name] }

    /// Sends a bookmark at the current resourceVersion to every watcher that asked for them.
    func bookmark() {
        for watcher in watchers where watcher.bookmarks {
            write(#"{"type":"BOOKMARK","object":{"kind":"Node","apiVersion":"v1","metadata":{"resourceVersion":"\#(resourceVersion)"}}}"#, to: watcher.writer)
        }
    }

    // MARK: - Serving

    private func handle(_ request: HTTPRequest, _ writer: any HTTPResponseWriter) async {
        requests.append("\(request.method) \(request.target)")
        peers.append(request.remoteAddress)
        bodies.append(String(decoding: request.body, as: UTF8.self))
        let path = String(request.path)
        if let index = failures.firstIndex(where: { $0.method == request.method && path.hasPrefix($0.pathPrefix) }) {
            let failure = failures.remove(at: index)
            try? await writer.respond(HTTPResponse(status: failure.status, headers: failure.headers, body: Array(failure.body.utf8)))
            return
        }
        let query = request.query
        if request.method == .get, path.hasSuffix("/log") {
            // A container log: two lines, the second only if following.
            try? writer.writeHead(.ok, headers: ["Content-Type": "text/plain"])
            try? await writer.write(Array("line 1\n".utf8))
            if query["follow"] == "true" { try? await writer.write(Array("line 2\n".utf8)) }
            writer.end()
            return
        }
        if request.method == .post, path.hasSuffix("/binding") || path.hasSuffix("/eviction") {
            let status: JSONValue = ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": 201]
            return await respond(writer, (201, status))
        }
        switch request.method {
        case .get where query["watch"] == "true": await watch(path, query, writer)
        case .get where isCollection(path): await respond(writer, list(path, query))
        case .get: await respond(writer, objects[path].map { (200, $0) } ?? notFound(path))
        case .post: await respond(writer, create(path, request.body))
        case .put: await respond(writer, update(path, request.body))
        case .patch: await respond(writer, patch(path, request))
        case .delete:
            let collection = String(path[..<path.lastIndex(of: "/")!])
            guard let object = objects[path] else { return await respond(writer, notFound(path)) }
            remove(collection, name: object["metadata"]?["name"]?.stringValue ?? "")
            await respond(writer, (200, object))
        default: await respond(writer, (405, status(405, "MethodNotAllowed", "no")))
        }
    }

    private func list(_ path: String, _ query: QueryParameters) -> (Int, JSONValue) {
        let selector = query["labelSelector"].map { parseEquality($0) } ?? [:]
        let fields = query["fieldSelector"].map { parseEquality($0) } ?? [:]
        var items = objects.filter { $0.key.hasPrefix(path + "/") && !$0.key.dropFirst(path.count + 1).contains("/") }
            .sorted { $0.key < $1.key }.map(\.value)
        items = items.filter { item in
            selector.allSatisfy { item["metadata"]?["labels"]?[$0.key]?.stringValue == $0.value }
                && fields.allSatisfy { item.value(at: "/" + $0.key.replacingOccurrences(of: ".", with: "/"))?.stringValue == $0.value }
        }
        let start = Int(query["continue"] ?? "") ?? 0
        let limit = Int(query["limit"] ?? "") ?? pageSize ?? Int.max
        let page = Array(items.dropFirst(start).prefix(limit))
        var metadata: JSONObject = ["resourceVersion": .string(String(resourceVersion))]
        if start + page.count < items.count { metadata["continue"] = .string(String(start + page.count)) }
        return (200, .object(["kind": "List", "apiVersion": "v1", "metadata": .object(metadata), "items": .array(page)]))
    }

    private func parseEquality(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for term in text.split(separator: ",") {
            let parts = term.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { result[parts[0]] = parts[1] }
        }
        return result
    }

    private func create(_ path: String, _ body: [UInt8]) -> (Int, JSONValue) {
        guard var object = try? JSONValue(parsing: body) else { return (400, status(400, "BadRequest", "malformed")) }
        guard let name = object["metadata"]?["name"]?.stringValue else { return (422, status(422, "Invalid", "name required")) }
        if objects[path + "/" + name] != nil {
            return (409, status(409, "AlreadyExists", "\(name) already exists"))
        }
        object["metadata"]?["creationTimestamp"] = "2026-11-22T00:00:00Z"
        return (201, put(path, object))
    }

    private func update(_ path: String, _ body: [UInt8]) -> (Int, JSONValue) {
        guard let object = try? JSONValue(parsing: body) else { return (400, status(400, "BadRequest", "malformed")) }
        let (collection, name) = split(path)
        guard let current = objects[collection + "/" + name] else { return notFound(path) }
        if let sent = object["metadata"]?["resourceVersion"]?.stringValue, sent != current["metadata"]?["resourceVersion"]?.stringValue {
            return (409, status(409, "Conflict", "Operation cannot be fulfilled on \(name): the object has been modified; please apply your changes to the latest version and try again"))
        }
        return (200, put(collection, object))
    }

    private func patch(_ path: String, _ request: HTTPRequest) -> (Int, JSONValue) {
        let (collection, name) = split(path)
        guard let current = objects[collection + "/" + name] else { return notFound(path) }
        guard let patch = try? JSONValue(parsing: request.body) else { return (400, status(400, "BadRequest", "malformed")) }
        let patched: JSONValue
        switch request.headers["Content-Type"] {
        case PatchType.merge.rawValue?: patched = MergePatch.apply(patch, to: current)
        case PatchType.strategic.rawValue?:
            guard let result = try? StrategicMergePatch.apply(patch, to: current, kind: current["kind"]?.stringValue ?? "") else {
                return (422, status(422, "Invalid", "bad patch"))
            }
            patched = result
        case PatchType.json.rawValue?:
            guard let operations = try? JSONPatch.parse(patch), let result = try? JSONPatch.apply(operations, to: current) else {
                return (422, status(422, "Invalid", "the server rejected our request due to an error in our request"))
            }
            patched = result
        default: return (415, status(415, "UnsupportedMediaType", "415: Unsupported Media Type"))
        }
        return (200, put(collection, patched))
    }

    private func watch(_ path: String, _ query: QueryParameters, _ writer: any HTTPResponseWriter) async {
        if let recorded = replays[path] {
            try? writer.writeHead(.ok, headers: ["Content-Type": "application/json"])
            try? await writer.write(recorded)
            writer.end()
            return
        }
        let from = Int(query["resourceVersion"] ?? "") ?? 0
        if from > 0, from < compactedBelow {
            let gone = status(410, "Expired", "too old resource version: \(from) (\(compactedBelow))")
            if goneAsHTTPStatus { return await respond(writer, (410, gone)) }
            try? writer.writeHead(.ok, headers: ["Content-Type": "application/json"])
            try? await writer.write(Array((JSONValue.object(["type": "ERROR", "object": gone]).text + "\n").utf8))
            writer.end()
            return
        }
        try? writer.writeHead(.ok, headers: ["Content-Type": "application/json"])
        for event in events where event.collection == path && event.resourceVersion > from {
            write(line(event), to: writer)
        }
        watchers.append((path, from, writer, query["allowWatchBookmarks"] == "true"))
        await writer.closed()
    }

    private func emit(_ event: Event) {
        events.append(event)
        for watcher in watchers where watcher.collection == event.collection { write(line(event), to: watcher.writer) }
    }

    private func line(_ event: Event) -> String {
        JSONValue.object(["type": .string(event.type), "object": event.object]).text
    }

    private func write(_ line: String, to writer: any HTTPResponseWriter) {
        Task { @LoopActor in try? await writer.write(Array((line + "\n").utf8)) }
    }

    private func respond(_ writer: any HTTPResponseWriter, _ answer: (Int, JSONValue)) async {
        try? await writer.respond(
            HTTPResponse(status: HTTPStatus(answer.0), headers: ["Content-Type": "application/json"], body: answer.1.serialized()))
    }

    /// `/api/v1/nodes`, `/apis/g/v/namespaces/ns/leases`: an odd number of segments after the group-version.
    private func isCollection(_ path: String) -> Bool {
        let segments = path.split(separator: "/")
        let prefix = segments.first == "api" ? 2 : 3
        return (segments.count - prefix) % 2 == 1
    }

    private func split(_ path: String) -> (collection: String, name: String) {
        let slash = path.lastIndex(of: "/")!
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    private func notFound(_ path: String) -> (Int, JSONValue) {
        (404, status(404, "NotFound", "\(split(path).name) not found"))
    }

    private func status(_ code: Int, _ reason: String, _ message: String) -> JSONValue {
        .object([
            "kind": "Status", "apiVersion": "v1", "metadata": .object([:]), "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .integer(Int64(code)),
        ])
    }
}
