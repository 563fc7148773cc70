/// A strategic merge patch that cannot be applied; `path` points (RFC 6901) where it went wrong.
public struct StrategicMergePatchError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let path: String

    public init(_ message: String, path: String = "") {
        self.message = message
        self.path = path
    }

    public var description: String {
        "strategic merge patch" + (path.isEmpty ? "" : " at \(path)") + ": \(message)"
    }
}

/// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`) for built-in kinds:
/// like a merge patch, except that lists tagged `patchStrategy:"merge"` merge (objects by their
/// merge key, primitives as sets), and the `$patch`, `$retainKeys`, `$setElementOrder/<list>` and
/// `$deleteFromPrimitiveList/<list>` directives apply. Directives never reach the result.
///
/// Members and list elements that the patch adds are taken as written, nulls included (the API
/// server does the same; a null is only a deletion where the member already exists).
/// `$patch: delete` on a map removes that member (at the top level: leaves `{}`).
public enum StrategicMergePatch {
    /// Applies `patch` to `target` for the given kind (e.g. "Pod", "Node"); kinds without a schema
    /// fall back to `MergePatch`.
    public static func apply(_ patch: JSONValue, to target: JSONValue, kind: String) throws(StrategicMergePatchError) -> JSONValue {
        guard let schema = PatchSchema.byKind[kind] else { return MergePatch.apply(patch, to: target) }
        guard case .object(let patchObject) = patch else { throw StrategicMergePatchError("the patch must be a JSON object") }
        let original = target.objectValue ?? JSONObject()
        return .object(try mergeMap(original, patchObject, schema, path: { "" }) ?? JSONObject())
    }

    /// Whether `apply` knows the list strategies of `kind` (otherwise it falls back to a merge patch,
    /// where the API server would answer 415 for custom resources).
    public static func hasSchema(for kind: String) -> Bool { PatchSchema.byKind[kind] != nil }

    /// Where the merge is, as an RFC 6901 pointer: written out only for an error, as most patches have none.
    private typealias Path = () -> String

    private static let patchDirective = "$patch"
    private static let retainKeysDirective = "$retainKeys"
    private static let setElementOrderPrefix = "$setElementOrder/"
    private static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/"

    /// The list-level directives found in one map of the patch.
    private struct ListDirectives {
        var order: [String: [JSONValue]] = [:]
        var deletions: [String: [JSONValue]] = [:]
        var retainKeys: [String]? = nil
    }

    private enum MapDirective { case merge, replace, delete }

    /// Removes the directives from `patch` and returns them.
    private static func extractDirectives(
        _ patch: inout JSONObject, path: Path
    ) throws(StrategicMergePatchError) -> (MapDirective, ListDirectives) {
        var directive = MapDirective.merge
        var lists = ListDirectives()
        guard patch.keys.contains(where: { $0.hasPrefix("$") }) else { return (directive, lists) }
        for (key, value) in patch where key.hasPrefix("$") {
            if key == patchDirective {
                switch value.stringValue {
                case "merge": directive = .merge
                case "replace": directive = .replace
                case "delete": directive = .delete
                default: throw StrategicMergePatchError("unknown $patch value \(value.text)", path: path())
                }
            } else if key == retainKeysDirective {
                guard let keys = value.arrayValue?.compactMap(\.stringValue), keys.count == value.arrayValue?.count else {
                    throw StrategicMergePatchError("$retainKeys must be a list of strings", path: path())
                }
                lists.retainKeys = keys
            } else if key.hasPrefix(setElementOrderPrefix) {
                guard let order = value.arrayValue else { throw StrategicMergePatchError("\(key) must be a list", path: path()) }
                lists.order[String(key.dropFirst(setElementOrderPrefix.count))] = order
            } else if key.hasPrefix(deleteFromPrimitiveListPrefix) {
                guard let values = value.arrayValue else { throw StrategicMergePatchError("\(key) must be a list", path: path()) }
                lists.deletions[String(key.dropFirst(deleteFromPrimitiveListPrefix.count))] = values
            } else {
                throw StrategicMergePatchError("unknown directive \(key)", path: path())
            }
        }
        patch.removeAll { $0.hasPrefix("$") }
        return (directive, lists)
    }

    /// Merges `patch` into `original`; nil means the map is deleted (`$patch: delete`).
    private static func mergeMap(
        _ original: JSONObject, _ patch: JSONObject, _ schema: PatchSchema, path: Path
    ) throws(StrategicMergePatchError) -> JSONObject? {
        var patch = patch
        let (directive, lists) = try extractDirectives(&patch, path: path)
        switch directive {
        case .delete: return nil
        case .replace: return try fresh(patch, schema, path: path, lists: lists)
        case .merge: break
        }
        var result = original
        for (name, values) in lists.deletions {
            if case .array(let elements)? = result[name] { result[name] = .array(elements.filter { !values.contains($0) }) }
        }
        for (key, patchValue) in patch {
            func fieldPath() -> String { path() + "/" + JSONPointer.escape(key) }
            let fieldSchema = schema.fields[key] ?? .none
            try result.update(key) { (current: inout JSONValue?) throws(StrategicMergePatchError) in
                switch (current, patchValue) {
                case (_, .null):
                    current = nil
                case (.object(let object)?, .object(let patchObject)):
                    current = try mergeMap(object, patchObject, fieldSchema, path: fieldPath).map(JSONValue.object)
                case (.array(let elements)?, .array(let patchElements)):
                    current = .array(try mergeList(elements, patchElements, fieldSchema, order: lists.order[key], path: fieldPath))
                default:
                    // New member or a different type: the patch's value, as written.
                    current = try fresh(patchValue, fieldSchema, path: fieldPath)
                    if case .array(let elements)? = current, let order = lists.order[key] {
                        current = .array(ordered(elements, by: order, schema: fieldSchema, original: []))
                    }
                }
            }
        }
        // `$setElementOrder` may reorder a list the patch does not otherwise touch.
        for (name, order) in lists.order where patch[name] == nil {
            if case .array(let elements)? = result[name] {
                result[name] = .array(ordered(elements, by: order, schema: schema.fields[name] ?? .none, original: elements))
            }
        }
        if let keep = lists.retainKeys { result.removeAll { !keep.contains($0) } }
        return result
    }

    private static func mergeList(
        _ original: [JSONValue], _ patch: [JSONValue], _ schema: PatchSchema, order: [JSONValue]?, path: Path
    ) throws(StrategicMergePatchError) -> [JSONValue] {
        var result: [JSONValue]
        switch schema.list {
        case .replace:
            return try freshList(patch, schema, path: path)
        case .set:
            result = []
            for value in original + patch where !result.contains(value) { result.append(value) }
        case .merge(let key):
            result = original
            var additions: [(index: Int, object: JSONObject)] = []
            for (index, element) in patch.enumerated() {
                guard case .object(var object) = element else {
                    throw StrategicMergePatchError("list elements must be objects (merge key \"\(key)\")", path: "\(path())/\(index)")
                }
                guard let marker = object[patchDirective] else {
                    additions.append((index, object))
                    continue
                }
                switch marker.stringValue {
                case "replace":
                    // `{"$patch": "replace"}` in a list: the rest of the patch list is the new list.
                    let rest = patch.filter { $0[patchDirective] == nil }
                    let replaced = try freshList(rest, schema, path: path)
                    return order.map { ordered(replaced, by: $0, schema: schema, original: []) } ?? replaced
                case "delete":
                    guard let id = object[key] else {
                        throw StrategicMergePatchError("$patch: delete element lacks merge key \"\(key)\"", path: "\(path())/\(index)")
                    }
                    result.removeAll { $0[key] == id }
                case "merge":
                    object[patchDirective] = nil
                    additions.append((index, object))
                default:
                    throw StrategicMergePatchError("unknown $patch value \(marker.text)", path: "\(path())/\(index)")
                }
            }
            for (index, object) in additions {
                guard let id = object[key] else {
                    throw StrategicMergePatchError("element does not contain the merge key \"\(key)\"", path: "\(path())/\(index)")
                }
                func elementPath() -> String { "\(path())/\(index)" }
                if let position = result.firstIndex(where: { $0[key] == id }), case .object(let existing) = result[position] {
                    if let merged = try mergeMap(existing, object, schema, path: elementPath) {
                        result[position] = .object(merged)
                    } else {
                        result.remove(at: position)
                    }
                } else if let added = try fresh(.object(object), schema, path: elementPath) {
                    result.append(added)
                }
            }
        }
        guard let order else { return result }
        return ordered(result, by: order, schema: schema, original: original)
    }

    /// `$setElementOrder`: elements named in `order` come in that order; the others (present only
    /// on the server) keep their place relative to the original elements around them.
    private static func ordered(_ elements: [JSONValue], by order: [JSONValue], schema: PatchSchema, original: [JSONValue]) -> [JSONValue] {
        let identity: (JSONValue) -> JSONValue
        if case .merge(let key) = schema.list { identity = { $0[key] ?? .null } } else { identity = { $0 } }
        let orderIDs = order.map(identity)
        let originalIDs = original.map(identity)
        let listed = elements.filter { orderIDs.contains(identity($0)) }
            .sorted { orderIDs.firstIndex(of: identity($0))! < orderIDs.firstIndex(of: identity($1))! }
        var unlisted = elements.filter { !orderIDs.contains(identity($0)) }.map { ($0, originalIDs.firstIndex(of: identity($0)) ?? .max) }
        var result: [JSONValue] = []
        result.reserveCapacity(elements.count)
        for element in listed {
            if let position = originalIDs.firstIndex(of: identity(element)) {
                while let first = unlisted.first, first.1 < position {
                    result.append(first.0)
                    unlisted.removeFirst()
                }
            }
            result.append(element)
        }
        result += unlisted.map(\.0)
        return result
    }

    /// A value the patch adds where nothing was: its directives applied to emptiness and removed;
    /// nil when it deletes itself.
    private static func fresh(_ value: JSONValue, _ schema: PatchSchema, path: Path) throws(StrategicMergePatchError) -> JSONValue? {
        switch value {
        case .object(var object):
            let (directive, lists) = try extractDirectives(&object, path: path)
            if directive == .delete { return nil }
            return .object(try fresh(object, schema, path: path, lists: lists))
        case .array(let elements):
            return .array(try freshList(elements, schema, path: path))
        default:
            return value
        }
    }

    private static func fresh(
        _ object: JSONObject, _ schema: PatchSchema, path: Path, lists: ListDirectives
    ) throws(StrategicMergePatchError) -> JSONObject {
        var result: [(key: String, value: JSONValue)] = []
        for (key, value) in object where lists.retainKeys?.contains(key) ?? true {
            let fieldSchema = schema.fields[key] ?? .none
            guard var cleaned = try fresh(value, fieldSchema, path: { path() + "/" + JSONPointer.escape(key) }) else { continue }
            if case .array(let elements) = cleaned, let order = lists.order[key] {
                cleaned = .array(ordered(elements, by: order, schema: fieldSchema, original: []))
            }
            result.append((key, cleaned))
        }
        return JSONObject(uniqueEntries: result)
    }

    /// A list the patch sets whole: `$patch` marker elements dropped, directives inside removed.
    private static func freshList(_ elements: [JSONValue], _ schema: PatchSchema, path: Path) throws(StrategicMergePatchError) -> [JSONValue] {
        var result: [JSONValue] = []
        for (index, element) in elements.enumerated() {
            if case .merge = schema.list, let marker = element[patchDirective] {
                guard marker == "replace" || marker == "delete" || marker == "merge" else {
                    throw StrategicMergePatchError("unknown $patch value \(marker.text)", path: "\(path())/\(index)")
                }
                if marker != "merge" { continue }
            }
            if let cleaned = try fresh(element, schema, path: { "\(path())/\(index)" }) { result.append(cleaned) }
        }
        return result
    }
}
