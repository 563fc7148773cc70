/// One RFC 6902 operation. `value` is nil when absent (remove, move, copy), `.null` for JSON null.
public struct JSONPatchOperation: Sendable, Equatable {
    public enum Op: String, Sendable { case add, remove, replace, move, copy, test }

    public var op: Op
    public var path: String
    public var from: String?
    public var value: JSONValue?

    public init(op: Op, path: String, from: String? = nil, value: JSONValue? = nil) {
        self.op = op
        self.path = path
        self.from = from
        self.value = value
    }

    public static func add(_ path: String, _ value: JSONValue) -> Self { Self(op: .add, path: path, value: value) }
    public static func remove(_ path: String) -> Self { Self(op: .remove, path: path) }
    public static func replace(_ path: String, _ value: JSONValue) -> Self { Self(op: .replace, path: path, value: value) }
    public static func move(from: String, to path: String) -> Self { Self(op: .move, path: path, from: from) }
    public static func copy(from: String, to path: String) -> Self { Self(op: .copy, path: path, from: from) }
    public static func test(_ path: String, _ value: JSONValue) -> Self { Self(op: .test, path: path, value: value) }
}

/// Which operation of a JSON patch failed and why. A failed `test` sets `isTestFailure` (the API
/// server answers those with 422 Invalid, other failures are malformed patches).
public struct JSONPatchError: Error, Sendable, CustomStringConvertible {
    /// Position of the operation in the patch; nil when the patch document itself is not a list.
    public let index: Int?
    public let op: JSONPatchOperation.Op?
    public let path: String?
    public let reason: String
    public let isTestFailure: Bool

    public init(index: Int?, op: JSONPatchOperation.Op?, path: String?, reason: String, isTestFailure: Bool = false) {
        self.index = index
        self.op = op
        self.path = path
        self.reason = reason
        self.isTestFailure = isTestFailure
    }

    public var description: String {
        guard let index else { return "invalid JSON patch: \(reason)" }
        let what = [op?.rawValue, path.map { "\"\($0)\"" }].compactMap { $0 }.joined(separator: " ")
        return "JSON patch operation \(index) (\(what)) failed: \(reason)"
    }
}

/// JSON patch (RFC 6902, `application/json-patch+json`).
public enum JSONPatch {
    /// Reads a patch document: a list of `{"op", "path", "from"?, "value"?}` objects.
    public static func parse(_ document: JSONValue) throws(JSONPatchError) -> [JSONPatchOperation] {
        guard case .array(let elements) = document else {
            throw JSONPatchError(index: nil, op: nil, path: nil, reason: "a JSON patch must be a list of operations")
        }
        var operations: [JSONPatchOperation] = []
        operations.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            func failure(_ reason: String, _ op: JSONPatchOperation.Op? = nil) -> JSONPatchError {
                JSONPatchError(index: index, op: op, path: element["path"]?.stringValue, reason: reason)
            }
            guard case .object(let object) = element else { throw failure("an operation must be an object") }
            guard let name = object["op"]?.stringValue else { throw failure("missing \"op\"") }
            guard let op = JSONPatchOperation.Op(rawValue: name) else { throw failure("unknown op \"\(name)\"") }
            guard let path = object["path"]?.stringValue else { throw failure("missing \"path\"", op) }
            var operation = JSONPatchOperation(op: op, path: path)
            switch op {
            case .add, .replace, .test:
                guard let value = object["value"] else { throw failure("missing \"value\"", op) }
                operation.value = value
            case .move, .copy:
                guard let from = object["from"]?.stringValue else { throw failure("missing \"from\"", op) }
                operation.from = from
            case .remove:
                break
            }
            operations.append(operation)
        }
        return operations
    }

    /// The patch as its JSON document.
    public static func encode(_ operations: [JSONPatchOperation]) -> JSONValue {
        .array(operations.map { operation in
            var entries: [(key: String, value: JSONValue)] = [("op", .string(operation.op.rawValue)), ("path", .string(operation.path))]
            if let from = operation.from { entries.append(("from", .string(from))) }
            if let value = operation.value { entries.append(("value", value)) }
            return .object(JSONObject(uniqueEntries: entries))
        })
    }

    /// Applies all operations in order, or none: the first failure throws and `target` is untouched
    /// (value semantics: the work happens on a copy).
    public static func apply(_ operations: [JSONPatchOperation], to target: JSONValue) throws(JSONPatchError) -> JSONValue {
        var document = target
        for (index, operation) in operations.enumerated() {
            do {
                try apply(operation, to: &document)
            } catch {
                throw JSONPatchError(
                    index: index, op: operation.op, path: operation.path, reason: error.reason, isTestFailure: error.isTest)
            }
        }
        return document
    }

    struct Failure: Error {
        var reason: String
        var isTest = false
        init(_ reason: String, isTest: Bool = false) {
            self.reason = reason
            self.isTest = isTest
        }
    }

    private static func tokens(_ pointer: String) throws(Failure) -> [String] {
        guard let tokens = JSONPointer.tokens(pointer) else { throw Failure("malformed JSON pointer \"\(pointer)\"") }
        return tokens
    }

    private static func apply(_ operation: JSONPatchOperation, to document: inout JSONValue) throws(Failure) {
        let path = try tokens(operation.path)
        switch operation.op {
        case .add:
            try add(operation.value ?? .null, at: path, in: &document)
        case .remove:
            _ = try remove(at: path, in: &document)
        case .replace:
            try replace(at: path, with: operation.value ?? .null, in: &document)
        case .move:
            let from = try tokens(operation.from ?? "")
            if from == path { return }
            if path.count > from.count && Array(path[..<from.count]) == from {
                throw Failure("cannot move a value into one of its own children")
            }
            let value = try remove(at: from, in: &document)
            try add(value, at: path, in: &document)
        case .copy:
            guard let value = document.value(at: operation.from ?? "") else { throw Failure("\"from\" path not found") }
            try add(value, at: path, in: &document)
        case .test:
            guard let actual = document.value(at: operation.path) else { throw Failure("test failed: path not found", isTest: true) }
            guard actual == (operation.value ?? .null) else {
                throw Failure("test failed: value is \(actual.text), expected \((operation.value ?? .null).text)", isTest: true)
            }
        }
    }

    /// Runs `body` on the container holding the last token of `path` (which must not be empty),
    /// mutating in place along the way.
    private static func withParent<R>(
        of path: ArraySlice<String>, in value: inout JSONValue, _ body: (inout JSONValue, String) throws(Failure) -> R
    ) throws(Failure) -> R {
        guard path.count > 1 else { return try body(&value, path.first!) }
        let token = path.first!
        let rest = path.dropFirst()
        switch value {
        case .object(var object):
            value = .null // keep `object` uniquely referenced while it is mutated
            defer { value = .object(object) }
            var result: R? = nil
            try object.update(token) { (child: inout JSONValue?) throws(Failure) in
                guard child != nil else { throw Failure("path not found: no member \"\(token)\"") }
                result = try withParent(of: rest, in: &child!, body)
            }
            return result!
        case .array(var elements):
            guard let index = JSONPointer.index(token), index < elements.count else {
                throw Failure("path not found: no element \"\(token)\"")
            }
            value = .null
            defer { value = .array(elements) }
            return try withParent(of: rest, in: &elements[index], body)
        default:
            throw Failure("path not found: \"\(token)\" is inside a non-container")
        }
    }

    private static func add(_ newValue: JSONValue, at path: [String], in document: inout JSONValue) throws(Failure) {
        guard !path.isEmpty else { return document = newValue }
        try withParent(of: path[...], in: &document) { (parent: inout JSONValue, token: String) throws(Failure) in
            switch parent {
            case .object(var object):
                parent = .null
                object[token] = newValue
                parent = .object(object)
            case .array(var elements):
                let index: Int
                if token == "-" { index = elements.count } else {
                    guard let position = JSONPointer.index(token), position <= elements.count else {
                        throw Failure("array index \"\(token)\" out of range")
                    }
                    index = position
                }
                parent = .null
                elements.insert(newValue, at: index)
                parent = .array(elements)
            default:
                throw Failure("cannot add to a non-container")
            }
        }
    }

    /// Replaces in place, so an object member keeps its position. A missing object member is
    /// added: RFC 6902 says fail, but kube-apiserver 1.19 (evanphx/json-patch v4) accepts it, as
    /// fixture 02-nodes-06 shows; missing array elements and parents still fail.
    private static func replace(at path: [String], with newValue: JSONValue, in document: inout JSONValue) throws(Failure) {
        guard !path.isEmpty else { return document = newValue }
        try withParent(of: path[...], in: &document) { (parent: inout JSONValue, token: String) throws(Failure) in
            switch parent {
            case .object(var object):
                parent = .null
                object[token] = newValue
                parent = .object(object)
            case .array(var elements):
                guard let index = JSONPointer.index(token), index < elements.count else {
                    throw Failure("path not found: no element \"\(token)\"")
                }
                parent = .null
                elements[index] = newValue
                parent = .array(elements)
            default:
                throw Failure("path not found: \"\(token)\" is inside a non-container")
            }
        }
    }

    private static func remove(at path: [String], in document: inout JSONValue) throws(Failure) -> JSONValue {
        guard !path.isEmpty else { throw Failure("cannot remove the whole document") }
        return try withParent(of: path[...], in: &document) { (parent: inout JSONValue, token: String) throws(Failure) -> JSONValue in
            switch parent {
            case .object(var object):
                guard let removed = object[token] else { throw Failure("path not found: no member \"\(token)\"") }
                parent = .null
                object[token] = nil
                parent = .object(object)
                return removed
            case .array(var elements):
                guard let index = JSONPointer.index(token), index < elements.count else {
                    throw Failure("path not found: no element \"\(token)\"")
                }
                parent = .null
                let removed = elements.remove(at: index)
                parent = .array(elements)
                return removed
            default:
                throw Failure("path not found: \"\(token)\" is inside a non-container")
            }
        }
    }
}
