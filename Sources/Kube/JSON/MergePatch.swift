/// JSON merge patch (RFC 7386, `application/merge-patch+json`): objects merge recursively, `null`
/// deletes a member, anything else (arrays included) replaces.
public enum MergePatch {
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result: JSONObject
        if case .object(let object) = target { result = object } else { result = JSONObject() }
        for (key, value) in patchObject {
            if case .null = value {
                result[key] = nil
            } else {
                result.update(key) { (existing: inout JSONValue?) in
                    existing = apply(value, to: existing ?? .null)
                }
            }
        }
        return .object(result)
    }

    /// The smallest merge patch turning `original` into `modified`: changed members only, removed
    /// ones as `null`, unequal non-objects whole. Merge patches cannot set a member to `null` (it
    /// means delete), so a `modified` holding nulls inside objects does not round-trip.
    public static func create(from original: JSONValue, to modified: JSONValue) -> JSONValue {
        guard case .object(let old) = original, case .object(let new) = modified else { return modified }
        var patch: [(key: String, value: JSONValue)] = []
        for (key, oldValue) in old {
            guard let newValue = new[key] else {
                patch.append((key, .null))
                continue
            }
            if oldValue != newValue { patch.append((key, create(from: oldValue, to: newValue))) }
        }
        for (key, newValue) in new where old[key] == nil { patch.append((key, newValue)) }
        return .object(JSONObject(uniqueEntries: patch))
    }
}
