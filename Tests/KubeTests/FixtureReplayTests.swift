import HTTPClient
import HTTPServer
import Kube
import Loop
import TestSupport
import Testing

/// The client against recorded API server answers, over HTTPS with a client certificate.
@Suite(.timeLimit(.minutes(1))) @LoopActor struct FixtureReplayTests {
    static let certificates = Result { try TestCertificates.make() }

    func secureServerAndClient() throws -> (FakeAPIServer, KubeClient) {
        let certs = try Self.certificates.get()
        let server = try FakeAPIServer(tls: TLSConfiguration(
            certificateChain: .file(certs.serverCert), privateKey: .file(certs.serverKey),
            clientCA: .file(certs.caCert), requireClientCertificate: true))
        let connection = ClusterConnection(
            server: server.url,
            tls: ClientTLSConfiguration(
                certificateAuthority: .file(certs.caCert), clientCertificate: .file(certs.clientCert),
                clientKey: .file(certs.clientKey)),
            credentials: .clientCertificate)
        return (server, KubeClient(connection: connection, qps: 0))
    }

    @Test func readsARecordedNodeOverMutualTLS() async throws {
        let (server, client) = try secureServerAndClient()
        defer { client.shutdown() }
        server.put(nodes, try JSONTestFixtures.json("02-nodes-02-get.resp.json"))
        let node = try await client.get(Node.self, name: "fx-node-1")
        #expect(node.status?.conditions?.contains { $0.type == "Ready" } == true)
        #expect(node.status?.daemonEndpoints?.kubeletEndpoint?.port == 10250)
        #expect(node.spec?.taints?.isEmpty == false)
        // The write keeps every field of the recorded node, modelled or not.
        let labelled = try await client.retryOnConflict(Node.self, name: "fx-node-1") { $0.metadata.labels?["replayed"] = "yes" }
        #expect(labelled.metadata.labels?["replayed"] == "yes")
        var expected = try JSONTestFixtures.json("02-nodes-02-get.resp.json")
        expected["metadata"]?["labels"]?["replayed"] = "yes"
        let stored = try #require(server.object(nodes, "fx-node-1"))
        #expect(stored["status"] == expected["status"])
        #expect(stored["spec"] == expected["spec"])
        #expect(stored["metadata"]?["labels"] == expected["metadata"]?["labels"])
        await server.stop()
    }

    @Test func decodesRecordedWatchStreams() async throws {
        let (server, client) = try secureServerAndClient()
        defer { client.shutdown() }
        let pods = "/api/v1/pods"
        server.replays[pods] = try JSONTestFixtures.bytes("05-watch-02-pods-fieldselector-nodename.stream.jsonl")
        var kinds: [String] = []
        for try await event in try await client.watch(Pod.self) {
            switch event {
            case .added(let pod): kinds.append("ADDED \(pod.metadata.name ?? "")")
            case .modified(let pod): kinds.append("MODIFIED \(pod.metadata.name ?? "")")
            case .deleted(let pod): kinds.append("DELETED \(pod.metadata.name ?? "")")
            case .bookmark: kinds.append("BOOKMARK")
            case .error(let status): kinds.append("ERROR \(status.code ?? 0)")
            }
        }
        // Recorded: the pod appears when bound, changes four times, is deleted, then a bookmark follows.
        #expect(kinds == ["ADDED fx-watch-1"] + Array(repeating: "MODIFIED fx-watch-1", count: 4) + ["DELETED fx-watch-1", "BOOKMARK"])

        server.replays[pods] = try JSONTestFixtures.bytes("05-watch-03-pods-rv1-too-old.stream.jsonl")
        var errors: [Status] = []
        for try await event in try await client.watch(Pod.self, options: ListOptions(resourceVersion: "1")) {
            if case .error(let status) = event { errors.append(status) }
        }
        #expect(errors.count == 1)
        #expect(errors.first?.code == 410)
        #expect(errors.first?.reason == "Expired")
        #expect(errors.first?.message == "too old resource version: 1 (564)")

        let widgets = APIResource(group: "fx.example.com", version: "v1", resource: "fxwidgets", kind: "FxWidget", namespaced: true)
        server.replays[widgets.path(namespace: "fx")] = try JSONTestFixtures.bytes("09-crd-05-watch-fxwidgets.stream.jsonl")
        var bookmarks = 0
        var objects = 0
        for try await event in try await client.watch(widgets, namespace: "fx") {
            switch event {
            case .bookmark(let version): bookmarks += version.isEmpty ? 0 : 1
            case .added, .modified, .deleted: objects += 1
            case .error: Issue.record("no error expected in 09-crd-05")
            }
        }
        #expect(bookmarks == 2)
        #expect(objects > 0)
        await server.stop()
    }
}

@LoopActor
final class ResyncCounter {
    var updates: [String] = []
}

@Suite(.timeLimit(.minutes(1))) @LoopActor struct InformerResyncTests {
    @Test func resyncHandsEveryObjectToOnUpdateAgain() async throws {
        let server = try FakeAPIServer()
        server.put(nodes, nodeJSON("a"))
        server.put(nodes, nodeJSON("b"))
        let clock = ManualClock()
        let client = makeClient(server)
        var configuration = Informer<Node>.Configuration()
        configuration.resyncPeriod = .seconds(30)
        let informer = Informer<Node>(client: client, configuration: configuration, clock: clock)
        let counter = ResyncCounter()
        informer.addHandlers(.init(onUpdate: { old, new in
            counter.updates.append("\(new.metadata.name ?? "") same=\(old.metadata.resourceVersion == new.metadata.resourceVersion)")
        }))
        informer.start()
        await informer.waitForSync()
        #expect(counter.updates.isEmpty)
        clock.advance(by: .seconds(30))
        #expect(counter.updates.sorted() == ["a same=true", "b same=true"])
        clock.advance(by: .seconds(30))
        #expect(counter.updates.count == 4)
        informer.stop()
        client.shutdown()
        await server.stop()
    }
}
