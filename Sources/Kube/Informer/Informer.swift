import Loop

/// Keeps a `Store` in step with the API server: lists, then watches from the list's resourceVersion
/// with bookmarks; resumes from the last seen resourceVersion when a watch ends; lists again when the
/// server says that version is gone (an HTTP 410 or an in-stream ERROR event with code 410, which is
/// what a real apiserver sends). One informer per resource serves every consumer through its handlers.
@LoopActor
public final class Informer<Object: KubernetesObject> {
    public struct Handlers {
        public var onAdd: @LoopActor (Object) -> Void = { _ in }
        public var onUpdate: @LoopActor (_ old: Object, _ new: Object) -> Void = { _, _ in }
        public var onDelete: @LoopActor (Object) -> Void = { _ in }
        public init(
            onAdd: @escaping @LoopActor (Object) -> Void = { _ in },
            onUpdate: @escaping @LoopActor (Object, Object) -> Void = { _, _ in },
            onDelete: @escaping @LoopActor (Object) -> Void = { _ in }
        ) {
            self.onAdd = onAdd
            self.onUpdate = onUpdate
            self.onDelete = onDelete
        }
    }

    public struct Configuration: Sendable {
        public var namespace: String?
        public var labelSelector: String?
        public var fieldSelector: String?
        /// Items per list page.
        public var pageSize = 500
        /// How often every object is handed to `onUpdate(old: x, new: x)` again; nil = never.
        public var resyncPeriod: Duration?
        /// Watches are re-opened after a random timeout in this range, as client-go does.
        public var watchTimeoutSeconds: ClosedRange<Int> = 300...600
        /// Given the version the store holds (nil for a new object) and the one arriving, may change
        /// the arriving one before it is stored: a chance to reuse parts already held (the old
        /// version's, other objects'), so that one copy of them serves all.
        public var share: (@LoopActor @Sendable (_ stored: Object?, _ arriving: inout Object) -> Void)?

        public init(namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil) {
            self.namespace = namespace
            self.labelSelector = labelSelector
            self.fieldSelector = fieldSelector
        }
    }

    public let store: Store<Object>
    public let configuration: Configuration
    private let client: KubeClient
    private let clock: any LoopClock
    private var handlers: [Handlers] = []
    private var task: Task<Void, Never>?
    private var resync: RepeatingTimer?
    private var syncWaiters: [CheckedContinuation<Void, Never>] = []

    public private(set) var hasSynced = false
    /// The resourceVersion the next watch resumes from.
    public private(set) var resourceVersion = ""
    /// How many full lists and watch requests were made (for metrics and tests).
    public private(set) var listCount = 0
    public private(set) var watchCount = 0

    public init(
        client: KubeClient, configuration: Configuration = Configuration(),
        indexers: [String: Store<Object>.IndexFunction] = [:], clock: any LoopClock = UVClock.shared
    ) {
        self.client = client
        self.configuration = configuration
        self.clock = clock
        store = Store(indexers: indexers)
    }

    /// Adds a consumer. Objects already in the store are replayed to it as adds.
    public func addHandlers(_ handlers: Handlers) {
        self.handlers.append(handlers)
        for object in store.all { handlers.onAdd(object) }
    }

    public func start() {
        guard task == nil else { return }
        task = Task { @LoopActor [weak self] in await self?.run() }
        if let period = configuration.resyncPeriod {
            let timer = RepeatingTimer(clock: clock, interval: period) { [weak self] in self?.resyncAll() }
            timer.start()
            resync = timer
        }
    }

    public func stop() {
        task?.cancel()
        task = nil
        resync?.stop()
        resync = nil
    }

    /// Returns once the first list has been loaded into the store.
    public func waitForSync() async {
        if hasSynced { return }
        await withCheckedContinuation { syncWaiters.append($0) }
    }

    // MARK: - The list/watch cycle

    private func run() async {
        var needsList = true
        var backoff = Backoff(initial: .milliseconds(200), cap: .seconds(30))
        var goneInARow = 0
        while !Task.isCancelled {
            do {
                if needsList {
                    try await relist()
                    needsList = false
                }
                try await watchUntilClosed()
                backoff.reset()
                goneInARow = 0
            } catch let error as KubeError where error.isGone {
                needsList = true
                goneInARow += 1
                // A fresh list's version should never be gone at once; if it is, don't hammer the server.
                if goneInARow > 1 { try? await clock.sleep(for: backoff.next()) }
            } catch {
                if Task.isCancelled { return }
                // Other failures (server down, 5xx, decoding): wait, then resume from where we were.
                try? await clock.sleep(for: backoff.next())
            }
        }
    }

    private func listOptions() -> ListOptions {
        ListOptions(labelSelector: configuration.labelSelector, fieldSelector: configuration.fieldSelector)
    }

    private func relist() async throws(KubeError) {
        var options = listOptions()
        options.limit = configuration.pageSize
        let list = try await client.listAll(Object.self, namespace: configuration.namespace, options: options)
        listCount += 1
        replace(with: list.items)
        resourceVersion = list.metadata?.resourceVersion ?? ""
        if !hasSynced {
            hasSynced = true
            let waiters = syncWaiters
            syncWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Brings the store to exactly `objects`, telling handlers what changed since the last view.
    private func replace(with objects: [Object]) {
        var stale = Set(store.keys)
        for object in objects {
            let key = Store<Object>.key(of: object)
            stale.remove(key)
            let object = shared(object)
            if let old = store.upsert(object) {
                if old.metadata.resourceVersion != object.metadata.resourceVersion { notifyUpdate(old, object) }
            } else {
                notifyAdd(object)
            }
        }
        for key in stale {
            if let old = store.remove(key) { notifyDelete(old) }
        }
    }

    private func watchUntilClosed() async throws {
        var options = listOptions()
        options.resourceVersion = resourceVersion
        options.allowWatchBookmarks = true
        options.timeoutSeconds = Int.random(in: configuration.watchTimeoutSeconds)
        let events = try await client.watch(Object.self, namespace: configuration.namespace, options: options)
        watchCount += 1
        for try await event in events {
            try apply(event)
        }
    }

    private func apply(_ event: WatchEvent<Object>) throws(KubeError) {
        switch event {
        case .added(let arriving), .modified(let arriving):
            advance(to: arriving.metadata.resourceVersion)
            let object = shared(arriving)
            if let old = store.upsert(object) { notifyUpdate(old, object) } else { notifyAdd(object) }
        case .deleted(let object):
            advance(to: object.metadata.resourceVersion)
            if let old = store.remove(Store<Object>.key(of: object)) { notifyDelete(old) }
        case .bookmark(let version):
            advance(to: version)
        case .error(let status):
            throw KubeError.api(status)
        }
    }

    private func shared(_ object: Object) -> Object {
        guard let share = configuration.share else { return object }
        var object = object
        share(store.get(Store<Object>.key(of: object)), &object)
        return object
    }

    private func advance(to version: String?) {
        if let version, !version.isEmpty { resourceVersion = version }
    }

    private func resyncAll() {
        for object in store.all { notifyUpdate(object, object) }
    }

    private func notifyAdd(_ object: Object) { for handler in handlers { handler.onAdd(object) } }
    private func notifyUpdate(_ old: Object, _ new: Object) { for handler in handlers { handler.onUpdate(old, new) } }
    private func notifyDelete(_ object: Object) { for handler in handlers { handler.onDelete(object) } }
}
