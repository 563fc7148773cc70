import Loop
import Kube

/// Every object of the control plane, as JSON, with one resourceVersion counter (like etcd's revision)
/// and, per resource, a bounded window of recent events for watches to resume from. Per resource, as
/// the apiserver's watch cache: with one shared window, 10,000 nodes' lease renewals pushed pod events
/// out within a minute, and an agent that fell behind relisted its pods over and over.
@LoopActor
final class ObjectStore {
    private var collections: [String: [ObjectKey: JSONValue]] = [:]
    private(set) var resourceVersion: Int64
    private var windows: [String: EventWindow] = [:]
    /// The version before which no events are kept for a resource without a window yet (the load version).
    private var baseVersion: Int64
    let windowSize: Int
    private var watchers: [String: [ObjectIdentifier: Watcher]] = [:]
    /// Objects by the UIDs in their ownerReferences, so the garbage collector finds the dependents of
    /// a deleted object without scanning every object.
    private var dependents: [String: Set<StoredKey>] = [:]

    struct StoredKey: Hashable {
        var storageKey: String
        var key: ObjectKey
    }

    init(windowSize: Int = 100_000, initialResourceVersion: Int64 = 1) {
        self.windowSize = windowSize
        self.resourceVersion = initialResourceVersion
        baseVersion = initialResourceVersion
    }

    /// One resource's recent events, oldest first, from `start` on (the prefix is dead, compacted lazily).
    private struct EventWindow {
        var events: [StoredEvent] = []
        var start = 0
        /// Watches can resume from this version on: every later event of the resource is kept.
        var floor: Int64

        var live: ArraySlice<StoredEvent> { events[start...] }

        mutating func append(_ event: StoredEvent, limit: Int) {
            events.append(event)
            if events.count - start > limit {
                floor = events[start].resourceVersion
                start += 1
            }
            // Compact the array once the dead prefix is as large as the live window.
            if start >= limit {
                events.removeFirst(start)
                start = 0
            }
        }
    }

    // MARK: Reads

    func get(_ storageKey: String, _ key: ObjectKey) -> JSONValue? { collections[storageKey]?[key] }

    /// Objects of a collection (one namespace, or all), sorted by namespace and name.
    func list(_ storageKey: String, namespace: String?) -> [(key: ObjectKey, value: JSONValue)] {
        guard let collection = collections[storageKey] else { return [] }
        let members = collection.lazy.filter { namespace == nil || $0.key.namespace == namespace }
        return members.map { (key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
    }

    /// A collection in no order, for scans that visit every object and need no order.
    func unordered(_ storageKey: String) -> [ObjectKey: JSONValue] { collections[storageKey] ?? [:] }

    /// The objects whose ownerReferences name `uid`, sorted.
    func dependents(ofUID uid: String) -> [StoredKey] {
        (dependents[uid] ?? []).sorted { ($0.storageKey, $0.key) < ($1.storageKey, $1.key) }
    }

    func count(_ storageKey: String) -> Int { collections[storageKey]?.count ?? 0 }

    var storageKeys: [String] { Array(collections.keys) }

    /// Loads a saved state: no events, and the window starts empty at `resourceVersion`.
    func replaceAll(_ contents: [String: [ObjectKey: JSONValue]], resourceVersion version: Int64) {
        collections = contents
        dependents = [:]
        for (storageKey, objects) in contents {
            for (key, object) in objects { indexOwners(storageKey, key, old: nil, new: object) }
        }
        resourceVersion = version
        startWindows()
    }

    /// Starts every resource's window at the current version, as the apiserver's watch caches start
    /// at the version of their first list: a watch from an older version gets 410 Expired.
    func startWindows() {
        windows = [:]
        baseVersion = resourceVersion
    }

    /// The oldest resourceVersion a watch of `storageKey` can still resume from.
    func oldestResumableVersion(_ storageKey: String) -> Int64 {
        windows[storageKey]?.floor ?? baseVersion
    }

    // MARK: Writes

    /// Stores `object` under `key`, stamping the next resourceVersion; returns the stored object.
    @discardableResult
    func put(_ storageKey: String, _ key: ObjectKey, _ object: JSONValue) -> JSONValue {
        write(storageKey, key, object).object
    }

    /// `put`, answering with the change itself: its `body(as:)` reuses what watchers were sent.
    func write(_ storageKey: String, _ key: ObjectKey, _ object: JSONValue) -> StoredEvent {
        resourceVersion += 1
        var stored = object
        stored["metadata"]?["resourceVersion"] = .string(String(resourceVersion))
        let previous = collections[storageKey, default: [:]].updateValue(stored, forKey: key)
        indexOwners(storageKey, key, old: previous, new: stored)
        let event = StoredEvent(
            kind: previous == nil ? .added : .modified, storageKey: storageKey, key: key,
            resourceVersion: resourceVersion, object: stored, previous: previous)
        record(event)
        return event
    }

    /// Removes the object; the DELETED event carries it with a fresh resourceVersion.
    @discardableResult
    func remove(_ storageKey: String, _ key: ObjectKey) -> JSONValue? {
        guard let previous = collections[storageKey]?.removeValue(forKey: key) else { return nil }
        indexOwners(storageKey, key, old: previous, new: nil)
        resourceVersion += 1
        var last = previous
        last["metadata"]?["resourceVersion"] = .string(String(resourceVersion))
        record(
            StoredEvent(
                kind: .deleted, storageKey: storageKey, key: key, resourceVersion: resourceVersion, object: last,
                previous: previous))
        return last
    }

    /// Drops a whole collection without events (a custom resource definition went away).
    func dropCollection(_ storageKey: String) {
        for (key, object) in collections[storageKey] ?? [:] { indexOwners(storageKey, key, old: object, new: nil) }
        collections[storageKey] = nil
    }

    private func indexOwners(_ storageKey: String, _ key: ObjectKey, old: JSONValue?, new: JSONValue?) {
        let before = Self.ownerUIDs(old)
        let after = Self.ownerUIDs(new)
        guard before != after else { return }
        let stored = StoredKey(storageKey: storageKey, key: key)
        for uid in before.subtracting(after) {
            dependents[uid]?.remove(stored)
            if dependents[uid]?.isEmpty == true { dependents[uid] = nil }
        }
        for uid in after.subtracting(before) { dependents[uid, default: []].insert(stored) }
    }

    private static func ownerUIDs(_ object: JSONValue?) -> Set<String> {
        guard let references = object?["metadata"]?["ownerReferences"]?.arrayValue, !references.isEmpty else { return [] }
        return Set(references.compactMap { $0["uid"]?.stringValue })
    }

    private func record(_ event: StoredEvent) {
        windows[event.storageKey, default: EventWindow(floor: baseVersion)].append(event, limit: windowSize)
        if let interested = watchers[event.storageKey] {
            for watcher in interested.values { watcher.offer(event) }
        }
    }

    // MARK: Watches

    /// Events of `storageKey` after `resourceVersion`, or nil when the window no longer reaches back.
    func events(_ storageKey: String, after version: Int64) -> [StoredEvent]? {
        guard version >= oldestResumableVersion(storageKey) else { return nil }
        guard let window = windows[storageKey]?.live else { return [] }
        // The window is ordered by resourceVersion: binary-search the first newer event.
        var low = window.startIndex, high = window.endIndex
        while low < high {
            let middle = (low + high) / 2
            if window[middle].resourceVersion <= version { low = middle + 1 } else { high = middle }
        }
        return Array(window[low...])
    }

    func register(_ watcher: Watcher) {
        watchers[watcher.storageKey, default: [:]][ObjectIdentifier(watcher)] = watcher
    }

    func unregister(_ watcher: Watcher) {
        watchers[watcher.storageKey]?[ObjectIdentifier(watcher)] = nil
    }

    var watcherCount: Int { watchers.values.reduce(0) { $0 + $1.count } }
}
