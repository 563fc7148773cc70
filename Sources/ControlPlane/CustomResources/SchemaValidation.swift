import Kube

/// Structural-schema handling of custom resources: unknown fields are pruned, then types, required
/// fields, bounds and enums are checked, with the apiserver's wording.
struct SchemaValidation {
    typealias Cause = (field: String, reason: String, message: String)
    private(set) var causes: [Cause] = []

    /// Prunes `object` (apiVersion, kind and metadata are kept) and collects what is invalid.
    static func apply(_ schema: JSONValue, to object: inout JSONValue) -> [Cause] {
        var validation = SchemaValidation()
        var body = object
        for key in ["apiVersion", "kind", "metadata"] { body[key] = nil }
        validation.check(&body, schema, path: "")
        for key in ["apiVersion", "kind", "metadata"] { body[key] = object[key] }
        object = body.sortedKeys
        return validation.causes
    }

    private mutating func check(_ value: inout JSONValue, _ schema: JSONValue, path: String) {
        let field = path.isEmpty ? "<root>" : path
        if let type = schema["type"]?.stringValue, !Self.matches(value, type) {
            let shown = Self.typeName(value)
            causes.append((field, "FieldValueInvalid", "Invalid value: \"\(shown)\": \(field) in body must be of type \(type): \"\(shown)\""))
            return
        }
        if let minimum = schema["minimum"], let number = value.doubleValue, let bound = minimum.doubleValue, number < bound {
            causes.append((field, "FieldValueInvalid", "Invalid value: \(minimum.text): \(field) in body should be greater than or equal to \(minimum.text)"))
        }
        if let maximum = schema["maximum"], let number = value.doubleValue, let bound = maximum.doubleValue, number > bound {
            causes.append((field, "FieldValueInvalid", "Invalid value: \(maximum.text): \(field) in body should be less than or equal to \(maximum.text)"))
        }
        if let choices = schema["enum"]?.arrayValue, !choices.contains(value) {
            let listed = choices.map(\.text).joined(separator: ", ")
            causes.append((field, "FieldValueNotSupported", "Unsupported value: \(value.text): supported values: \(listed)"))
        }
        switch value {
        case .object(var members):
            for required in schema["required"]?.arrayValue ?? [] {
                if let name = required.stringValue, members[name] == nil {
                    let at = path.isEmpty ? name : "\(path).\(name)"
                    causes.append((at, "FieldValueRequired", "Required value"))
                }
            }
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]
            let keepsUnknown = schema["x-kubernetes-preserve-unknown-fields"] == true
            for (name, member) in members {
                let at = path.isEmpty ? name : "\(path).\(name)"
                var child = member
                if let property = properties?[name] {
                    check(&child, property, path: at)
                } else if let additional, additional.objectValue != nil {
                    check(&child, additional, path: at)
                } else if !keepsUnknown, properties != nil || additional == false {
                    members[name] = nil
                    continue
                }
                members[name] = child
            }
            value = .object(members)
        case .array(var items):
            if let itemSchema = schema["items"] {
                for index in items.indices { check(&items[index], itemSchema, path: "\(path)[\(index)]") }
            }
            value = .array(items)
        default:
            break
        }
    }

    private static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("integer", .integer): true
        case ("number", .integer), ("number", .double): true
        case (_, .null): true
        default: false
        }
    }

    private static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .string: "string"
        case .integer, .double: "number"
        case .bool: "boolean"
        case .array: "array"
        case .object: "object"
        case .null: "null"
        }
    }
}

extension JSONValue {
    /// Keys sorted at every level, as custom resources are serialised.
    var sortedKeys: JSONValue {
        switch self {
        case .object(let object):
            let sorted = object.entries.sorted { $0.key < $1.key }.map { ($0.key, $0.value.sortedKeys) }
            return .object(JSONObject(sorted))
        case .array(let items): return .array(items.map(\.sortedKeys))
        default: return self
        }
    }
}
