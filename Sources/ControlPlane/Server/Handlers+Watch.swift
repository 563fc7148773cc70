import HTTP
import Kube
import Loop

extension APIServer {
    /// Streams watch events as newline-delimited JSON until the timeout, the client leaves, or the
    /// watcher falls too far behind.
    func watch(_ context: RequestContext, _ writer: any HTTPResponseWriter) async throws {
        let type = context.type
        var filter = try Self.filter(context)
        if let name = context.info.name { filter.fields.append(("metadata.name", name, true)) }
        let query = context.query
        let requested = query["resourceVersion"] ?? ""
        let start: Int64
        var backlog: [[UInt8]] = []
        var transform: ((JSONValue) -> JSONValue)?
        if Tables.wantsTable(context.request.headers["Accept"]) {
            let now = configuration.now
            let include = query["includeObject"]
            let columns = customColumns(type)
            transform = { object in
                Tables.table(type, objects: [object], metadata: .object([:]), now: now(), includeObject: include, customColumns: columns)
            }
        }
        if requested.isEmpty || requested == "0" {
            // No resourceVersion: the current state as ADDED events, then changes.
            start = store.resourceVersion
            for (_, object) in store.list(type.storageKey, namespace: context.namespace) where filter.matches(object) {
                let served = transform?(object) ?? object.served(as: type.groupVersion)
                backlog.append(StoredEvent.line(type: "ADDED", object: served))
            }
        } else {
            guard let version = Int64(requested) else {
                throw APIError.badRequest("invalid resource version: \(requested)")
            }
            start = version
        }
        let watcher = Watcher(storageKey: type.storageKey, apiVersion: type.groupVersion, filter: filter, from: start)
        watcher.transform = transform
        try writer.writeHead(.ok, headers: ["Content-Type": "application/json", "Cache-Control": "no-cache, private"])
        if !(requested.isEmpty || requested == "0") {
            guard let missed = store.events(type.storageKey, after: start) else {
                let error = APIError(
                    code: 410, reason: "Expired",
                    message: "too old resource version: \(start) (\(store.oldestResumableVersion(type.storageKey) + 1))")
                try? await writer.write(StoredEvent.line(type: "ERROR", object: error.status))
                writer.end()
                return
            }
            for event in missed { watcher.offer(event, replayed: true) }
        }
        for line in backlog { watcher.send(line, replayed: true) }
        store.register(watcher)
        defer { store.unregister(watcher) }

        let timeout = query["timeoutSeconds"].flatMap(Int64.init).map { Duration.seconds($0) }
            ?? configuration.defaultWatchTimeout
        var timers = [configuration.clock.schedule(after: timeout) { watcher.finish() }]
        let bookmarks = query["allowWatchBookmarks"] == "true" && !(requested.isEmpty || requested == "0")
        if bookmarks, timeout > .seconds(2) {
            // Like the watch cache: a bookmark shortly before the timeout, if the store moved on.
            timers.append(configuration.clock.schedule(after: timeout - .seconds(2)) { [store] in
                guard store.resourceVersion > start else { return }
                watcher.send(StoredEvent.line(type: "BOOKMARK", object: Self.bookmark(type, version: store.resourceVersion)))
            })
        }
        defer { for timer in timers { timer.cancel() } }
        let hangUp = Task { @LoopActor in
            await writer.closed()
            watcher.finish()
        }
        defer { hangUp.cancel() }
        while let batch = await watcher.nextBatch() {
            do { try await writer.write(batch) } catch { break }
        }
        writer.end()
    }

    /// The object of a BOOKMARK event: only kind, apiVersion and resourceVersion mean anything.
    static func bookmark(_ type: ResourceType, version: Int64) -> JSONValue {
        var object: JSONValue = [
            "kind": .string(type.kind), "apiVersion": .string(type.groupVersion),
            "metadata": ["resourceVersion": .string(String(version)), "creationTimestamp": nil],
        ]
        if type.kind == "Pod" {
            object["spec"] = ["containers": nil]
            object["status"] = .object([:])
        }
        return object
    }
}
