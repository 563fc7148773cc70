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

    /// The object as `apiVersion` serves it, with a final newline, as a write's answer. Cut from the
    /// watch line when a watcher has built it already: a watched write then serializes its object once.
    func body(as apiVersion: String) -> [UInt8] {
        guard let line = lines[apiVersion] else {
            var body = object.served(as: apiVersion).serialized()
            body.append(UInt8(ascii: "\n"))
            return body
        }
        // The line is prefix + object + "}\n" (see `line(type:object:)`): keep the object and a newline.
        var body = Array(line[Self.prefix(kind.rawValue).count..<(line.count - 1)])
        body[body.count - 1] = UInt8(ascii: "\n")
        return body
    }

    nonisolated static func line(type: String, object: JSONValue) -> [UInt8] {
        var line = prefix(type)
        line.reserveCapacity(1024)
        object.serialize(into: &line)
        line.append(contentsOf: "}\n".utf8)
        return line
    }

    /// `{"type":"ADDED","object":`; types are fixed ASCII words, which need no escaping.
    private nonisolated static func prefix(_ type: String) -> [UInt8] {
        Array("{\"type\":\"\(type)\",\"object\":".utf8)
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
