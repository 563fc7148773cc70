import Foundation
import HTTP
import Kube
import Loop

extension APIServer {
    func get(_ context: RequestContext) throws(APIError) -> HTTPResponse {
        let name = context.info.name ?? ""
        guard let object = store.get(context.type.storageKey, context.key(name)) else {
            throw APIError.notFound(context.type, name)
        }
        if Tables.wantsTable(context.request.headers["Accept"]) {
            return Self.ok(
                Tables.table(context.type, objects: [object], metadata: .object([:]), now: configuration.now(),
                    includeObject: context.query["includeObject"],
                    customColumns: customColumns(context.type)))
        }
        return Self.ok(object.served(as: context.type.groupVersion))
    }

    func list(_ context: RequestContext) throws(APIError) -> HTTPResponse {
        let type = context.type
        let query = context.query
        let filter = try Self.filter(context)
        let requestedVersion = query["resourceVersion"] ?? ""
        if query["resourceVersionMatch"] != nil, requestedVersion.isEmpty {
            throw APIError(
                code: 422, reason: "Invalid",
                message: "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
                details: [
                    "group": "meta.k8s.io", "kind": "ListOptions",
                    "causes": [[
                        "reason": "FieldValueForbidden",
                        "message": "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
                        "field": "resourceVersionMatch",
                    ]],
                ])
        }
        var listVersion = store.resourceVersion
        var start: String?
        if let token = query["continue"], !token.isEmpty {
            let position = try ContinueToken(decoding: token)
            guard position.resourceVersion >= store.oldestResumableVersion(context.type.storageKey) else {
                throw ContinueToken.expired(restartingAt: position.start)
            }
            listVersion = position.resourceVersion
            start = position.start
        }
        // A list from the watch cache (resourceVersion=0) ignores limit, as the apiserver does.
        let limit = requestedVersion == "0" ? 0 : Int(query["limit"] ?? "") ?? 0
        var items: [JSONValue] = []
        var remaining = 0
        var last: ObjectKey?
        for (key, object) in store.list(type.storageKey, namespace: context.namespace) {
            if let start, key.text + "\u{0}" <= start { continue }
            guard filter.matches(object) else { continue }
            if limit > 0, items.count == limit { remaining += 1; continue }
            items.append(object)
            last = key
        }
        var metadata: JSONValue = [
            "selfLink": .string(type.path(namespace: context.namespace)), "resourceVersion": .string(String(listVersion)),
        ]
        if remaining > 0, let last {
            metadata["continue"] = .string(ContinueToken(resourceVersion: listVersion, start: last.text + "\u{0}").encoded)
            if filter.labels == nil, filter.fields.isEmpty { metadata["remainingItemCount"] = .integer(Int64(remaining)) }
        }
        if Tables.wantsTable(context.request.headers["Accept"]) {
            return Self.ok(
                Tables.table(type, objects: items, metadata: metadata, now: configuration.now(), includeObject: context.query["includeObject"],
                    customColumns: customColumns(context.type)))
        }
        let list: JSONValue = [
            "kind": .string(type.kind + "List"), "apiVersion": .string(type.groupVersion), "metadata": metadata,
            "items": .array(items.map { type.isCustom ? $0.served(as: type.groupVersion) : $0.served(as: type.groupVersion).droppingTypeMeta }),
        ]
        return Self.ok(list)
    }

    static func filter(_ context: RequestContext) throws(APIError) -> ObjectFilter {
        var filter = ObjectFilter(namespace: context.namespace)
        if let text = context.query["labelSelector"], !text.isEmpty {
            filter.labels = try LabelSelectorExpression(parsing: text)
        }
        if let text = context.query["fieldSelector"], !text.isEmpty {
            filter.fields = try ObjectFilter.parseFields(text, kind: context.type.kind)
        }
        return filter
    }

    nonisolated static func ok(_ object: JSONValue, status: HTTPStatus = .ok) -> HTTPResponse {
        var body = object.serialized()
        body.append(UInt8(ascii: "\n"))
        return .json(body, status: status)
    }
}

extension JSONValue {
    /// List items of built-in types carry no kind or apiVersion.
    var droppingTypeMeta: JSONValue {
        var copy = self
        copy["kind"] = nil
        copy["apiVersion"] = nil
        return copy
    }
}

/// The position a paged list continues from, in the apiserver's token format.
struct ContinueToken {
    var resourceVersion: Int64
    var start: String

    init(resourceVersion: Int64, start: String) {
        self.resourceVersion = resourceVersion
        self.start = start
    }

    init(decoding token: String) throws(APIError) {
        var padded = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while padded.count % 4 != 0 { padded += "=" }
        guard let data = Data(base64Encoded: padded) else {
            throw APIError.badRequest("invalid continue token: continue key is not valid: illegal base64 data")
        }
        let value: JSONValue
        do { value = try JSONValue(parsing: Array(data)) } catch {
            throw APIError.badRequest("invalid continue token: continue key is not valid: \(error.message)")
        }
        guard value["v"]?.stringValue == "meta.k8s.io/v1", let version = value["rv"]?.int64Value,
            let start = value["start"]?.stringValue
        else { throw APIError.badRequest("invalid continue token: continue key is not valid: unrecognized format") }
        self.init(resourceVersion: version, start: start)
    }

    var encoded: String {
        let json: JSONValue = ["v": "meta.k8s.io/v1", "rv": .integer(resourceVersion), "start": .string(start)]
        return Data(json.serialized()).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func expired(restartingAt start: String) -> APIError {
        var error = APIError(
            code: 410, reason: "Expired",
            message: "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
        error.metadata = ["continue": .string(ContinueToken(resourceVersion: -1, start: start).encoded)]
        return error
    }
}
