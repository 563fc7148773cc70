extension JSONPatch {
    /// A patch turning `original` into `modified`: objects are diffed member by member; arrays
    /// element by element (extra elements added at the end, surplus ones removed from the end so
    /// earlier indices stay valid), or replaced whole when that encodes smaller; anything else that
    /// differs is replaced. Equal documents give an empty patch.
    public static func create(from original: JSONValue, to modified: JSONValue) -> [JSONPatchOperation] {
        var operations: [JSONPatchOperation] = []
        diff(original, modified, path: "", into: &operations)
        return operations
    }

    private static func diff(_ old: JSONValue, _ new: JSONValue, path: String, into operations: inout [JSONPatchOperation]) {
        guard old != new else { return }
        switch (old, new) {
        case (.object(let oldObject), .object(let newObject)):
            for (key, oldValue) in oldObject {
                let memberPath = path + "/" + JSONPointer.escape(key)
                if let newValue = newObject[key] {
                    diff(oldValue, newValue, path: memberPath, into: &operations)
                } else {
                    operations.append(.remove(memberPath))
                }
            }
            for (key, newValue) in newObject where oldObject[key] == nil {
                operations.append(.add(path + "/" + JSONPointer.escape(key), newValue))
            }
        case (.array(let oldElements), .array(let newElements)):
            var elementOperations: [JSONPatchOperation] = []
            for index in 0..<min(oldElements.count, newElements.count) {
                diff(oldElements[index], newElements[index], path: "\(path)/\(index)", into: &elementOperations)
            }
            if newElements.count > oldElements.count {
                for index in oldElements.count..<newElements.count {
                    elementOperations.append(.add("\(path)/\(index)", newElements[index]))
                }
            } else {
                for index in (newElements.count..<oldElements.count).reversed() {
                    elementOperations.append(.remove("\(path)/\(index)"))
                }
            }
            let whole = JSONPatchOperation.replace(path, new)
            if elementOperations.count > 1,
                encode(elementOperations).serialized().count > encode([whole]).serialized().count
            {
                operations.append(whole)
            } else {
                operations += elementOperations
            }
        default:
            operations.append(.replace(path, new))
        }
    }
}
