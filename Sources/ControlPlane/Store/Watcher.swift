import Loop
import Kube

/// One open watch: filters store events and queues their lines for the HTTP response.
///
/// The writer takes everything queued at once (`nextBatch`), so a burst of events costs one TLS
/// record and one socket write per watcher instead of one per event. The queue is bounded; a
/// watcher that falls that far behind is closed, as the apiserver closes blocked watchers, and its
/// client resumes from the last resourceVersion it saw.
@LoopActor
final class Watcher {
    let storageKey: String
    let apiVersion: String
    let filter: ObjectFilter
    private let capacity: Int
    private var queued: [[UInt8]] = []
    private var finished = false
    private var waiter: CheckedContinuation<Void, Never>?
    /// The resourceVersion of the newest event sent: bookmarks report it.
    private(set) var lastVersion: Int64
    /// Turns each object into what this watcher was asked for (a Table row); nil sends the object.
    var transform: ((JSONValue) -> JSONValue)?

    init(storageKey: String, apiVersion: String, filter: ObjectFilter, from version: Int64, capacity: Int = 10_000) {
        self.storageKey = storageKey
        self.apiVersion = apiVersion
        self.filter = filter
        self.lastVersion = version
        self.capacity = capacity
    }

    /// Every line queued since the last call, joined; nil once finished and drained.
    func nextBatch() async -> [UInt8]? {
        while queued.isEmpty {
            if finished { return nil }
            await withCheckedContinuation { waiter = $0 }
        }
        defer { queued.removeAll(keepingCapacity: true) }
        if queued.count == 1 { return queued[0] }
        // Appending buffers, not iterating a joined sequence byte by byte: this runs once per burst
        // per watcher, on every event the server sends.
        var batch: [UInt8] = []
        batch.reserveCapacity(queued.reduce(0) { $0 + $1.count })
        for line in queued { batch.append(contentsOf: line) }
        return batch
    }

    func offer(_ event: StoredEvent, replayed: Bool = false) {
        let now = filter.matches(event.object)
        let before = event.previous.map(filter.matches) ?? false
        let type: StoredEvent.Kind?
        switch event.kind {
        case .added where now: type = .added
        case .modified where now && before: type = .modified
        case .modified where now: type = .added
        case .modified where before, .deleted where before || now: type = .deleted
        default: type = nil
        }
        if let type {
            if let transform {
                send(StoredEvent.line(type: type.rawValue, object: transform(event.object)), replayed: replayed)
            } else {
                send(event.line(as: apiVersion, type: type), replayed: replayed)
            }
        }
        lastVersion = event.resourceVersion
    }

    /// Queues a line. `replayed` lines (the events a watch starts with) do not count against the
    /// capacity, as the apiserver sends a watch's initial events apart from its bounded channel: a
    /// backlog beyond the capacity would otherwise end every resumed watch at once, and its client
    /// would resume from the same version forever.
    func send(_ line: [UInt8], replayed: Bool = false) {
        guard !finished else { return }
        guard replayed || queued.count < capacity else {
            // Fallen too far behind: drop the watch; its client resumes from the last version it saw.
            queued = []
            return finish()
        }
        queued.append(line)
        wake()
    }

    /// Ends the watch once what is queued has been written.
    func finish() {
        finished = true
        wake()
    }

    private func wake() {
        waiter?.resume()
        waiter = nil
    }
}
