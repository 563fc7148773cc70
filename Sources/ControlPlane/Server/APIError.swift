import HTTP
import Kube

/// A failed request, answered as a `Status` body with the reason and code a kube-apiserver uses.
struct APIError: Error, Sendable {
    var code: Int
    /// Empty for errors that are not API statuses (the key is left out).
    var reason: String
    var message: String
    /// `details` (name, group, kind, causes); nil leaves the key out, as 400s and 415s do.
    var details: JSONValue?
    /// `metadata` of the Status (an expired continue token carries a fresh one).
    var metadata: JSONValue = .object([:])

    static func notFound(_ type: ResourceType, _ name: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "\(type.qualifiedName) \"\(name)\" not found",
            details: detailsValue(name: name, type: type))
    }

    static func alreadyExists(_ type: ResourceType, _ name: String) -> APIError {
        APIError(
            code: 409, reason: "AlreadyExists", message: "\(type.qualifiedName) \"\(name)\" already exists",
            details: detailsValue(name: name, type: type))
    }

    static func conflict(_ type: ResourceType, _ name: String, _ why: String = conflictText) -> APIError {
        APIError(
            code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on \(type.qualifiedName) \"\(name)\": \(why)",
            details: detailsValue(name: name, type: type))
    }

    static let conflictText = "the object has been modified; please apply your changes to the latest version and try again"

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    /// 422 with one cause per invalid field, worded as the apiserver's field errors are.
    static func invalid(_ type: ResourceType, _ name: String, causes: [(field: String, reason: String, message: String)]) -> APIError {
        let summary = causes.map { "\($0.field): \($0.message)" }.joined(separator: ", ")
        let bracketed = causes.count > 1 ? "[\(summary)]" : summary
        var details: JSONValue = ["name": .string(name)]
        if !type.group.isEmpty { details["group"] = .string(type.group) }
        details["kind"] = .string(type.kind)
        details["causes"] = .array(causes.map { ["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)] })
        return APIError(
            code: 422, reason: "Invalid", message: "\(type.qualifiedKind) \"\(name)\" is invalid: \(bracketed)", details: details)
    }

    static func methodNotSupported(_ type: ResourceType, _ verb: String) -> APIError {
        APIError(
            code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource",
            details: detailsValue(name: nil, type: type))
    }

    static let unsupportedMediaType = APIError(
        code: 415, reason: "UnsupportedMediaType", message: "415: Unsupported Media Type", details: .object([:]))

    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    static func forbidden(user: String, verb: String, type: ResourceType, namespace: String?) -> APIError {
        let scope = namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
        return APIError(
            code: 403, reason: "Forbidden",
            message: "\(type.qualifiedName) is forbidden: User \"\(user)\" cannot \(verb) resource \"\(type.resource)\" in API group \"\(type.group)\" \(scope)",
            details: ["kind": .string(type.resource)])
    }

    static let pathNotFound = APIError(
        code: 404, reason: "NotFound", message: "the server could not find the requested resource", details: .object([:]))

    static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: message, details: ["causes": [["message": .string(message)]]])
    }

    /// A plain Go error turned into a Status: code 500, no reason, no details (a kubelet unreachable).
    static func unknown(_ message: String) -> APIError {
        APIError(code: 500, reason: "", message: message)
    }

    /// `apierrors.NewInternalError(err)`: the message says so, the cause is the bare reason.
    static func internalErrorOccurred(_ reason: String) -> APIError {
        APIError(
            code: 500, reason: "InternalError", message: "Internal error occurred: \(reason)",
            details: ["causes": [["message": .string(reason)]]])
    }

    static func detailsValue(name: String?, type: ResourceType) -> JSONValue {
        var details: JSONValue = .object([:])
        if let name { details["name"] = .string(name) }
        if !type.group.isEmpty { details["group"] = .string(type.group) }
        details["kind"] = .string(type.resource)
        return details
    }

    /// The `Status` object, keys in the order the apiserver writes them.
    var status: JSONValue {
        var value: JSONValue = [
            "kind": "Status", "apiVersion": "v1", "metadata": metadata, "status": "Failure", "message": .string(message),
        ]
        // An empty reason is left out (a plain Go error, a webhook's denial without one).
        if !reason.isEmpty { value["reason"] = .string(reason) }
        if let details { value["details"] = details }
        value["code"] = .integer(Int64(code))
        return value
    }

    var response: HTTPResponse {
        var body = status.serialized()
        body.append(UInt8(ascii: "\n"))
        return .json(body, status: HTTPStatus(code))
    }
}

/// Success with a `Status` body (DELETE of most resources, binding, eviction).
func successStatus(code: Int = 200, details: JSONValue?) -> JSONValue {
    var value: JSONValue = ["kind": "Status", "apiVersion": "v1", "metadata": .object([:]), "status": "Success"]
    if let details { value["details"] = details }
    if code != 200 { value["code"] = .integer(Int64(code)) }
    return value
}
