import HTTP
import Kube
import Loop
import Testing
import TestSupport

@LoopActor
final class Recorder {
    var events: [String] = []
}

@Suite(.timeLimit(.minutes(1))) @LoopActor struct InformerTests {
    func informer(_ server: FakeAPIServer, _ recorder: Recorder) -> (Informer<Node>, KubeClient) {
        let client = makeClient(server)
        let informer = Informer<Node>(
            client: client, indexers: ["pool": { node in node.metadata.labels?["pool"].map { [$0] } ?? [] }])
        informer.addHandlers(.init(
            onAdd: { recorder.events.append("add \($0.metadata.name ?? "")") },
            onUpdate: { _, new in recorder.events.append("update \(new.metadata.name ?? "")") },
            onDelete: { recorder.events.append("delete \($0.metadata.name ?? "")") }))
        return (informer, client)
    }

    @Test func listsThenWatchesAndIndexes() async throws {
        let server = try FakeAPIServer()
        server.pageSize = 1
        server.put(nodes, nodeJSON("a", labels: ["pool": "x"]))
        server.put(nodes, nodeJSON("b", labels: ["pool": "y"]))
        let recorder = Recorder()
        let (informer, client) = informer(server, recorder)
        informer.start()
        await informer.waitForSync()
        #expect(Set(recorder.events) == ["add a", "add b"])
        #expect(informer.store.byIndex("pool", "x").map(\.metadata.name) == ["a"])
        #expect(await eventually { informer.watchCount == 1 })
        server.put(nodes, nodeJSON("a", labels: ["pool": "y"]))
        server.remove(nodes, name: "b")
        #expect(await eventually { recorder.events.count == 4 })
        #expect(recorder.events.suffix(2) == ["update a", "delete b"])
        #expect(informer.store.byIndex("pool", "y").map(\.metadata.name) == ["a"])
        #expect(informer.store.byIndex("pool", "x").isEmpty)
        informer.stop()
        client.shutdown()
        await server.stop()
    }

    @Test func theStoreHandsOutItsOwnCopyOfAKey() async throws {
        let server = try FakeAPIServer()
        server.put(nodes, nodeJSON("a-node-with-a-long-name", labels: [:]))
        let (informer, client) = informer(server, Recorder())
        informer.start()
        await informer.waitForSync()
        var stored = try #require(informer.store.storedKey(String(decoding: Array("a-node-with-a-long-name".utf8), as: UTF8.self)))
        var again = try #require(informer.store.storedKey("a-node-with-a-long-name"))
        #expect(stored.withUTF8 { $0.baseAddress } == again.withUTF8 { $0.baseAddress })
        #expect(informer.store.storedKey("b") == nil)
        informer.stop()
        client.shutdown()
        await server.stop()
    }

    @Test func listedAndWatchedObjectsAreStoredAsTheShareFunctionLeavesThem() async throws {
        let server = try FakeAPIServer()
        server.put(nodes, nodeJSON("a", labels: ["pool": "x"]))
        let client = makeClient(server)
        var configuration = Informer<Node>.Configuration()
        // Keeps the first labels whatever comes, and says which versions it was given.
        configuration.share = { stored, arriving in
            if let stored { arriving.metadata.labels = stored.metadata.labels }
            arriving.metadata.annotations = ["old": stored?.metadata.resourceVersion ?? "none", "new": arriving.metadata.resourceVersion ?? ""]
        }
        let informer = Informer<Node>(client: client, configuration: configuration)
        informer.start()
        await informer.waitForSync()
        #expect(await eventually { informer.watchCount == 1 })
        let listed = try #require(informer.store.get("a"))
        #expect(listed.metadata.annotations == ["old": "none", "new": listed.metadata.resourceVersion ?? ""])
        server.put(nodes, nodeJSON("a", labels: ["pool": "y"]))
        #expect(await eventually { informer.store.get("a")?.metadata.resourceVersion != listed.metadata.resourceVersion })
        let stored = try #require(informer.store.get("a"))
        #expect(stored.metadata.labels == ["pool": "x"])
        #expect(stored.metadata.annotations == ["old": listed.metadata.resourceVersion ?? "", "new": stored.metadata.resourceVersion ?? ""])
        informer.stop()
        client.shutdown()
        await server.stop()
    }

    @Test func resumesFromTheLastResourceVersionWhenAWatchEnds() async throws {
        let server = try FakeAPIServer()
        server.put(nodes, nodeJSON("a"))
        let recorder = Recorder()
        let (informer, client) = informer(server, recorder)
        informer.start()
        await informer.waitForSync()
        #expect(await eventually { informer.watchCount == 1 })
        server.put(nodes, nodeJSON("b"))
        #expect(await eventually { recorder.events.count == 2 })
        let seen = informer.resourceVersion
        server.closeWatches()
        #expect(await eventually { informer.watchCount == 2 })
        #expect(informer.listCount == 1)
        #expect(server.requests.last?.contains("resourceVersion=\(seen)") == true)
        server.put(nodes, nodeJSON("c"))
        #expect(await eventually { recorder.events.count == 3 })
        #expect(recorder.events == ["add a", "add b", "add c"])
        informer.stop()
        client.shutdown()
        await server.stop()
    }

    @Test(arguments: [false, true]) func relistsWhenTheVersionIsGone(asHTTPStatus: Bool) async throws {
        let server = try FakeAPIServer()
        server.goneAsHTTPStatus = asHTTPStatus
        server.put(nodes, nodeJSON("a"))
        server.put(nodes, nodeJSON("b"))
        let recorder = Recorder()
        let (informer, client) = informer(server, recorder)
        informer.start()
        await informer.waitForSync()
        #expect(await eventually { informer.watchCount == 1 })
        // While nobody watches, b goes away and c arrives; then history is compacted.
        server.closeWatches()
        server.remove(nodes, name: "b")
        server.put(nodes, nodeJSON("c"))
        server.compactedBelow = server.resourceVersion
        #expect(await eventually { informer.listCount >= 2 })
        #expect(await eventually { recorder.events.count == 4 })
        #expect(Set(recorder.events.suffix(2)) == ["delete b", "add c"])
        #expect(Set(informer.store.keys) == ["a", "c"])
        informer.stop()
        client.shutdown()
        await server.stop()
    }
}
