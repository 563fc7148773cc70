import Kube

/// A mutating webhook's `JSONPatch`, decoded and applied with the wording of the apiserver's
/// json-patch library (evanphx/json-patch): its errors are answered as 500s (fixtures 08-admission-07/09).
enum WebhookPatch {
    /// The patched object; `bytes` is the decoded `response.patch`. Throws the reason text.
    static func apply(_ bytes: [UInt8], to object: JSONValue) throws(PatchError) -> JSONValue {
        if let syntax = GoJSONSyntax.firstError(bytes) { throw PatchError(syntax) }
        let document: JSONValue
        do { document = try JSONValue(parsing: bytes) } catch { throw PatchError(error.message) }
        let operations: [JSONValue]
        switch document {
        case .null: return object
        case .array(let elements): operations = elements
        default: throw PatchError("json: cannot unmarshal \(goType(document)) into Go value of type jsonpatch.Patch")
        }
        var result = object
        for element in operations {
            guard element.objectValue != nil || element.isNull else {
                throw PatchError("json: cannot unmarshal \(goType(element)) into Go value of type jsonpatch.Operation")
            }
            result = try applyOne(element, to: result)
        }
        return result
    }

    struct PatchError: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private static func applyOne(_ element: JSONValue, to document: JSONValue) throws(PatchError) -> JSONValue {
        let kind = element["op"]?.stringValue ?? "unknown"
        guard ["add", "remove", "replace", "move", "copy", "test"].contains(kind) else {
            throw PatchError("Unexpected kind: \(kind)")
        }
        guard let path = element["path"]?.stringValue else {
            throw PatchError("\(kind) operation failed to decode path: missing value")
        }
        var operation = element
        if operation["value"] == nil, kind == "add" || kind == "replace" || kind == "test" { operation["value"] = .null }
        do {
            return try JSONPatch.apply(try JSONPatch.parse([operation]), to: document)
        } catch {
            throw PatchError(describe(kind: kind, path: path, from: element["from"]?.stringValue, error: error, in: document))
        }
    }

    /// The library's message for a failed operation: a missing parent is "doc is missing path", a
    /// missing member "doc is missing key" (replace) or "nonexistent key" (remove).
    private static func describe(kind: String, path: String, from: String?, error: JSONPatchError, in document: JSONValue)
        -> String
    {
        let parentMissing = container(of: path, in: document) == nil
        switch kind {
        case "add" where parentMissing:
            return "add operation does not apply: doc is missing path: \"\(path)\": missing value"
        case "remove" where parentMissing:
            return "remove operation does not apply: doc is missing path: \"\(path)\": missing value"
        case "remove":
            let key = tokens(path)?.last ?? path
            return "error in remove for path: '\(path)': Unable to remove nonexistent key: \(key): missing value"
        case "replace" where parentMissing:
            return "replace operation does not apply: doc is missing path: \(path): missing value"
        case "replace":
            return "replace operation does not apply: doc is missing key: \(path): missing value"
        case "move" where from.map { document.value(at: $0) == nil } ?? true,
            "copy" where from.map { document.value(at: $0) == nil } ?? true:
            return "\(kind) operation does not apply: doc is missing from path: \(from ?? ""): missing value"
        case "test" where error.isTestFailure:
            return "testing value \(path) failed: test failed"
        default:
            return error.reason
        }
    }

    /// The object or array holding the last token of `path`, if it exists.
    private static func container(of path: String, in document: JSONValue) -> JSONValue? {
        guard let tokens = tokens(path), !tokens.isEmpty else { return nil }
        var current: JSONValue? = document
        for token in tokens.dropLast() {
            switch current {
            case .object(let object)?: current = object[token]
            case .array(let elements)?:
                guard let index = Int(token), index >= 0, index < elements.count else { return nil }
                current = elements[index]
            default: return nil
            }
        }
        switch current {
        case .object?, .array?: return current
        default: return nil
        }
    }

    /// RFC 6901 reference tokens ("~1" is "/", "~0" is "~"); nil for a pointer not starting with "/".
    private static func tokens(_ pointer: String) -> [String]? {
        guard !pointer.isEmpty else { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).replacing("~1", with: "/").replacing("~0", with: "~")
        }
    }

    /// The name Go's decoder gives a JSON value's type in "cannot unmarshal" errors.
    static func goType(_ value: JSONValue) -> String {
        switch value {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .bool: "bool"
        case .null: "null"
        default: "number"
        }
    }
}
