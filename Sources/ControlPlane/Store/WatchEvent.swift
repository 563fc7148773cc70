import Loop
import Kube

/// One change to the store, shared by every watcher that receives it.
///
/// The serialized line is built once per served version on first use, so fanning an event out to
/// many watchers copies neither the object nor its bytes.
@LoopActor
final class StoredEvent {
    enum Kind: String { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }

    let kind: Kind
    let storageKey: String
    let key: ObjectKey
    let resourceVersion: Int64
    let object: JSONValue
    /// The object before the change (nil for ADDED): a watch with a selector sees an object that stops
    /// matching as DELETED and one that starts matching as ADDED.
    let previous: JSONValue?
    private var lines: [String: [UInt8]] = [:]

    init(kind: Kind, storageKey: String, key: ObjectKey, resourceVersion: Int64, object: JSONValue, previous: JSONValue?) {
        self.kind = kind
        self.storageKey = storageKey
        self.key = key
        self.resourceVersion = resourceVersion
        self.object = object
        self.previous = previous
    }

    /// `{"type":"ADDED","object":{…}}\n` with the object as `apiVersion` serves it.
    func line(as apiVersion: String, type: Kind? = nil) -> [UInt8] {
        let type = type ?? kind
        let cacheKey = type == kind ? apiVersion : "\(type.rawValue) \(apiVersion)"
        if let line = lines[cacheKey] { return line }
        let line = Self.line(type: type.rawValue, object: object.served(as: apiVersion))
        lines[cacheKey] = line
        return line
    }

    nonisolated static func line(type: String, object: JSONValue) -> [UInt8] {
        var line = JSONValue.object(["type": .string(type), "object": object]).serialized()
        line.append(UInt8(ascii: "\n"))
        return line
    }
}

extension JSONValue {
    /// The object as a version of its resource serves it (storage is shared across versions).
    func served(as apiVersion: String) -> JSONValue {
        guard self["apiVersion"]?.stringValue != apiVersion else { return self }
        if apiVersion == EventConversion.apiVersion, self["kind"] == "Event" { return EventConversion.fromCore(self) }
        var copy = self
        copy["apiVersion"] = .string(apiVersion)
        return copy
    }
}
