import Loop
import Kube

/// One open watch: filters store events and queues their lines for the HTTP response.
///
/// The queue is bounded; a watcher that falls that far behind is closed, as the apiserver closes
/// blocked watchers, and its client resumes from the last resourceVersion it saw.
@LoopActor
final class Watcher {
    let storageKey: String
    let apiVersion: String
    let filter: ObjectFilter
    let lines: AsyncStream<[UInt8]>
    private let continuation: AsyncStream<[UInt8]>.Continuation
    /// The resourceVersion of the newest event sent: bookmarks report it.
    private(set) var lastVersion: Int64
    /// Turns each object into what this watcher was asked for (a Table row); nil sends the object.
    var transform: ((JSONValue) -> JSONValue)?

    init(storageKey: String, apiVersion: String, filter: ObjectFilter, from version: Int64, capacity: Int = 10_000) {
        self.storageKey = storageKey
        self.apiVersion = apiVersion
        self.filter = filter
        self.lastVersion = version
        (lines, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingOldest(capacity))
    }

    func offer(_ event: StoredEvent) {
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
                send(StoredEvent.line(type: type.rawValue, object: transform(event.object)))
            } else {
                send(event.line(as: apiVersion, type: type))
            }
        }
        lastVersion = event.resourceVersion
    }

    func send(_ line: [UInt8]) {
        if case .dropped = continuation.yield(line) { continuation.finish() }
    }

    func finish() { continuation.finish() }
}
