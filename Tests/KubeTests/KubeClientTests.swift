import HTTP
import HTTPClient
import Kube
import Loop
import Testing
import TestSupport

let nodes = "/api/v1/nodes"
let leases = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases"

@LoopActor
func makeClient(_ server: FakeAPIServer, clock: any LoopClock = UVClock.shared, qps: Double = 0) -> KubeClient {
    var configuration = KubeClient.Configuration(server: server.url)
    configuration.qps = qps
    return KubeClient(configuration: configuration, clock: clock)
}

func nodeJSON(_ name: String, labels: JSONObject = [:]) -> JSONValue {
    .object(["apiVersion": "v1", "kind": "Node", "metadata": .object(["name": .string(name), "labels": .object(labels)])])
}

@Suite(.timeLimit(.minutes(1))) @LoopActor struct KubeClientTests {
    @Test func typedCreateGetUpdateDelete() async throws {
        let server = try FakeAPIServer()
        let client = makeClient(server)
        defer { client.shutdown() }
        var node = Node()
        node.metadata.name = "n1"
        node.metadata.labels = ["type": "virtual-kubelet"]
        let created = try await client.create(node)
        #expect(created.metadata.resourceVersion != nil)
        var fetched = try await client.get(Node.self, name: "n1")
        #expect(fetched.metadata.labels?["type"] == "virtual-kubelet")
        fetched.spec = Node.Spec()
        fetched.spec?.unschedulable = true
        let updated = try await client.update(fetched)
        #expect(updated.spec?.unschedulable == true)
        try await client.delete(Node.self, name: "n1")
        await #expect(throws: KubeError.self) { try await client.get(Node.self, name: "n1") }
        do {
            _ = try await client.get(Node.self, name: "n1")
        } catch {
            #expect(error.isNotFound)
            #expect(error.description.contains("n1 not found"))
        }
        await server.stop()
    }

    /// The heartbeat client's requests do not wait for the other client's: here the other's only
    /// connection is held by a watch.
    @Test func aClientWithItsOwnConnectionsDoesNotWaitForTheOthers() async throws {
        let server = try FakeAPIServer()
        server.put(nodes, nodeJSON("n1"))
        var configuration = KubeClient.Configuration(server: server.url)
        configuration.qps = 0
        configuration.http.maxConnectionsPerHost = 1
        let client = KubeClient(configuration: configuration)
        let heartbeats = client.withOwnConnections()
        defer {
            client.shutdown()
            heartbeats.shutdown()
        }
        let watch = try await client.stream(nodes, query: [("watch", "true")])
        let waiting = Task { @LoopActor in try await client.get(Node.self, name: "n1") }
        #expect(try await heartbeats.get(Node.self, name: "n1").metadata.name == "n1")
        #expect(server.requests.filter { $0.hasPrefix("GET /api/v1/nodes/n1") }.count == 1)
        await watch.cancel()
        #expect(try await waiting.value.metadata.name == "n1")
        #expect(Set(server.peers.suffix(2)).count == 2)
        await server.stop()
    }

    @Test func staleUpdateIsAConflictAndRetryOnConflictRecovers() async throws {
        let server = try FakeAPIServer()
        let client = makeClient(server)
        defer { client.shutdown() }
        server.put(nodes, nodeJSON("n1"))
        let stale = try await client.get(Node.self, name: "n1")
        server.put(nodes, nodeJSON("n1", labels: ["by": "someone-else"]))
        do {
            _ = try await client.update(stale)
            Issue.record("a stale resourceVersion must conflict")
        } catch {
            #expect(error.isConflict)
        }
        var first = true
        let result = try await client.retryOnConflict(Node.self, name: "n1") { node throws(KubeError) in
            if first {
                first = false
                // Someone writes between our read and our write: the first attempt conflicts.
                server.put(nodes, nodeJSON("n1", labels: ["by": "racer"]))
            }
            node.metadata.labels?["mine"] = "yes"
        }
        #expect(result.metadata.labels == ["by": "racer", "mine": "yes"])
        await server.stop()
    }

    @Test func tooManyRequestsWaitsForRetryAfter() async throws {
        let server = try FakeAPIServer()
        let clock = ManualClock()
        let client = makeClient(server, clock: clock)
        defer { client.shutdown() }
        server.put(nodes, nodeJSON("n1"))
        server.fail(.get, nodes, status: 429, retryAfter: 7)
        let request = Task { @LoopActor in try await client.get(Node.self, name: "n1") }
        #expect(await eventually { clock.pendingCount > 0 })
        #expect(clock.nextDeadline == clock.now + .seconds(7))
        clock.advance(by: .seconds(7))
        #expect(try await request.value.metadata.name == "n1")
        #expect(server.requests.count == 2)
        await server.stop()
    }

    @Test func serverErrorsAreRetriedOnlyForIdempotentVerbs() async throws {
        let server = try FakeAPIServer()
        let clock = ManualClock()
        let client = makeClient(server, clock: clock)
        defer { client.shutdown() }
        server.put(nodes, nodeJSON("n1"))
        server.fail(.get, nodes, status: 503, times: 2)
        let request = Task { @LoopActor in try await client.get(Node.self, name: "n1") }
        for _ in 0..<2 {
            #expect(await eventually { clock.pendingCount > 0 })
            clock.advance(by: .seconds(10))
        }
        #expect(try await request.value.metadata.name == "n1")
        #expect(server.requests.count == 3)

        server.fail(.post, nodes, status: 500)
        var node = Node()
        node.metadata.name = "n2"
        do {
            _ = try await client.create(node)
            Issue.record("a failed POST must not be retried")
        } catch {
            #expect(error.code == 500)
        }
        await server.stop()
    }

    @Test func listAllFollowsContinueTokensAndSendsSelectors() async throws {
        let server = try FakeAPIServer()
        let client = makeClient(server)
        defer { client.shutdown() }
        for index in 0..<5 { server.put(nodes, nodeJSON("n\(index)", labels: ["pool": index < 4 ? "a" : "b"])) }
        let options = ListOptions(labelSelector: "pool=a", limit: 2)
        let list = try await client.listAll(Node.self, options: options)
        #expect(list.items.map(\.metadata.name) == ["n0", "n1", "n2", "n3"])
        #expect(server.requests.filter { $0.hasPrefix("GET /api/v1/nodes?") }.count == 2)
        #expect(server.requests[0] == "GET /api/v1/nodes?labelSelector=pool%3Da&limit=2")
        #expect(server.requests[1].contains("continue=2"))
        await server.stop()
    }

    @Test func patchesUseTheirContentTypes() async throws {
        let server = try FakeAPIServer()
        let client = makeClient(server)
        defer { client.shutdown() }
        server.put(nodes, nodeJSON("n1", labels: ["a": "1"]))
        let merged = try await client.patch(Node.self, name: "n1", patch: ["metadata": ["labels": ["b": "2"]]], type: .merge)
        #expect(merged.metadata.labels == ["a": "1", "b": "2"])
        let jsonPatched = try await client.patch(
            Node.self, name: "n1", patch: [["op": "remove", "path": "/metadata/labels/a"]], type: .json)
        #expect(jsonPatched.metadata.labels == ["b": "2"])
        do {
            _ = try await client.patch(
                Node.self, name: "n1", patch: [["op": "test", "path": "/metadata/labels/b", "value": "9"]], type: .json)
            Issue.record("a failing test operation must be rejected")
        } catch {
            #expect(error.isInvalid)
        }
        await server.stop()
    }

    @Test func watchDecodesEventsBookmarksAndInStreamErrors() async throws {
        let server = try FakeAPIServer()
        let client = makeClient(server)
        defer { client.shutdown() }
        server.put(nodes, nodeJSON("n1"))
        let events = try await client.watch(Node.self, options: ListOptions(resourceVersion: "100", allowWatchBookmarks: true))
        var iterator = events.makeAsyncIterator()
        guard case .added(let added)? = try await iterator.next() else { Issue.record("expected ADDED"); return }
        #expect(added.metadata.name == "n1")
        server.put(nodes, nodeJSON("n1", labels: ["x": "y"]))
        guard case .modified(let modified)? = try await iterator.next() else { Issue.record("expected MODIFIED"); return }
        #expect(modified.metadata.labels == ["x": "y"])
        server.bookmark()
        guard case .bookmark(let version)? = try await iterator.next() else { Issue.record("expected BOOKMARK"); return }
        #expect(version == String(server.resourceVersion))
        server.remove(nodes, name: "n1")
        guard case .deleted? = try await iterator.next() else { Issue.record("expected DELETED"); return }

        server.compactedBelow = 1000
        let expired = try await client.watch(Node.self, options: ListOptions(resourceVersion: "5"))
        var expiredIterator = expired.makeAsyncIterator()
        guard case .error(let status)? = try await expiredIterator.next() else { Issue.record("expected ERROR"); return }
        #expect(status.code == 410)
        #expect(status.reason == "Expired")
        await server.stop()
    }

    @Test func writesKeepFieldsTheTypesDoNotModel() async throws {
        let server = try FakeAPIServer()
        let client = makeClient(server)
        defer { client.shutdown() }
        var node = nodeJSON("n1", labels: ["a": "1"])
        node["spec"] = ["futureField": ["nested": 1], "unschedulable": false]
        node["status"] = ["someNewStatus": "x", "conditions": [["type": "Ready", "status": "True"]]]
        node["metadata"]?["annotations"] = ["owner": "someone-else"]
        server.put(nodes, node)

        let updated = try await client.retryOnConflict(Node.self, name: "n1") { node in
            node.metadata.labels?["b"] = "2"
            node.spec?.unschedulable = true
        }
        #expect(updated.spec?.unschedulable == true)
        let stored = try #require(server.object(nodes, "n1"))
        #expect(stored["spec"]?["futureField"] == ["nested": 1])
        #expect(stored["status"]?["someNewStatus"] == "x")
        #expect(stored["metadata"]?["annotations"] == ["owner": "someone-else"])
        #expect(stored["metadata"]?["labels"] == ["a": "1", "b": "2"])
        #expect(stored["spec"]?["unschedulable"] == true)

        // The same through Preserved directly, and an unchanged round trip is the identical document.
        let preserved = try await client.getPreserved(Node.self, name: "n1")
        #expect(try preserved.document() == stored)
        await server.stop()
    }

    @Test func deleteOptionsSubresourcesAndLogs() async throws {
        let server = try FakeAPIServer()
        let client = makeClient(server)
        defer { client.shutdown() }
        let podsPath = "/api/v1/namespaces/fx/pods"
        server.put(podsPath, ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p1", "namespace": "fx"]])

        var binding = Binding()
        binding.metadata.name = "p1"
        binding.target = ObjectReference()
        binding.target?.kind = "Node"
        binding.target?.name = "vk-0"
        let bound = try await client.post(Pod.resource, name: "p1", namespace: "fx", subresource: "binding", body: binding)
        #expect(bound["status"] == "Success")
        #expect(server.requests.last == "POST /api/v1/namespaces/fx/pods/p1/binding")
        let sentBinding = try JSONValue(parsing: server.bodies.last ?? "")
        #expect(sentBinding["target"]?["name"] == "vk-0")

        var eviction = Eviction()
        eviction.metadata.name = "p1"
        eviction.metadata.namespace = "fx"
        _ = try await client.post(Pod.resource, name: "p1", namespace: "fx", subresource: "eviction", body: eviction)
        #expect(server.requests.last == "POST /api/v1/namespaces/fx/pods/p1/eviction")

        let logs = try await client.logs(pod: "p1", namespace: "fx", query: [("container", "c"), ("follow", "true")])
        var lines: [String] = []
        for try await line in logs.lines { lines.append(String(decoding: line, as: UTF8.self)) }
        #expect(lines == ["line 1", "line 2"])
        #expect(server.requests.last == "GET /api/v1/namespaces/fx/pods/p1/log?container=c&follow=true")

        let options = DeleteOptions(
            gracePeriodSeconds: 0, preconditions: .init(uid: "uid-p1"), propagationPolicy: "Background")
        try await client.delete(Pod.self, name: "p1", namespace: "fx", options: options)
        let sent = try JSONValue(parsing: server.bodies.last ?? "")
        #expect(sent["kind"] == "DeleteOptions")
        #expect(sent["gracePeriodSeconds"] == 0)
        #expect(sent["preconditions"]?["uid"] == "uid-p1")
        #expect(sent["propagationPolicy"] == "Background")
        #expect(server.object(podsPath, "p1") == nil)
        await server.stop()
    }
}
