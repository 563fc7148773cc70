import Foundation
import Kube
import Loop
import NodeAgent
import Providers
import Synchronization
import TestSupport
import Testing

@Suite @LoopActor struct MockProviderTests {
    nonisolated static let startedAt = Time(seconds: 1_800_000_000)

    func pod(_ name: String, containers: [String] = ["app"]) -> Pod {
        var pod = Pod(metadata: ObjectMeta(name: name, namespace: "team"))
        pod.spec = PodSpec(containers: containers.map { Container(name: $0, image: "busybox:1") })
        return pod
    }

    /// The provider's clock: it reads `startedAt` until a test moves it.
    final class Clock: Sendable {
        let time = Mutex(MockProviderTests.startedAt)
    }
    let clock = Clock()

    /// A provider on `clock`, and the notifications it sent.
    func provider(_ configuration: MockConfiguration = MockConfiguration()) async throws -> (MockProvider, Box) {
        let notified = Box()
        let provider = MockProvider(configuration: configuration, now: { [clock] in clock.time.withLock { $0 } })
        try await provider.start(nodes: ["n0", "n1"], events: ProviderEvents(
            podChanged: { namespace, name in notified.pods.append("\(namespace)/\(name)") },
            nodeChanged: { notified.nodes.append($0) }))
        return (provider, notified)
    }

    @LoopActor final class Box {
        var pods: [String] = []
        var nodes: [String] = []
    }

    @Test func podsRunAtOnceAndDeletionCompletesAtOnce() async throws {
        let (provider, notified) = try await provider()
        try await provider.createPod(pod("web", containers: ["app", "sidecar"]), on: "n1")
        let running = try #require(try await provider.pod(namespace: "team", name: "web"))
        #expect(running.status?.phase == "Running")
        #expect(running.status?.startTime == Self.startedAt)
        #expect(running.status?.conditions?.map(\.type) == ["Initialized", "Ready", "ContainersReady", "PodScheduled"])
        #expect(running.status?.conditions?.allSatisfy { $0.status == "True" } == true)
        #expect(running.status?.containerStatuses?.map(\.name) == ["app", "sidecar"])
        #expect(running.status?.containerStatuses?.allSatisfy { $0.ready == true && $0.state?.running != nil } == true)
        #expect(try await provider.pods().map(\.node) == ["n1"])
        #expect(notified.pods == ["team/web"])

        // Creating it again (an agent that restarted and adopts it) starts nothing.
        try await provider.createPod(pod("web"), on: "n1")
        #expect(provider.createCount == 1 && notified.pods.count == 1)

        try await provider.deletePod(pod("web"), on: "n1")
        #expect(try await provider.pod(namespace: "team", name: "web") == nil)
        #expect(try await provider.pods().isEmpty && notified.pods == ["team/web", "team/web"])
        try await provider.deletePod(pod("web"), on: "n1")  // already gone: nothing to do
        #expect(notified.pods.count == 2)
    }

    @Test func anImageUpdateKeepsTheStatus() async throws {
        let (provider, _) = try await provider()
        try await provider.createPod(pod("web"), on: "n0")
        var updated = pod("web")
        updated.spec?.containers?[0].image = "busybox:2"
        try await provider.updatePod(updated, on: "n0")
        let running = try #require(try await provider.pod(namespace: "team", name: "web"))
        #expect(running.spec?.containers?[0].image == "busybox:2")
        #expect(running.status?.containerStatuses?[0].image == "busybox:2")
        #expect(running.status?.containerStatuses?[0].ready == true && running.status?.phase == "Running")
        await #expect(throws: ProviderError.self) { try await provider.updatePod(pod("other"), on: "n0") }
    }

    @Test func aPodThatStartedBeforeKeepsItsStartTimeAfterAnUpdate() async throws {
        let (provider, _) = try await provider()
        var adopted = pod("web")
        let earlier = Time(seconds: 1_000)
        adopted.status = PodStatus(phase: "Running")
        adopted.status?.startTime = earlier
        try await provider.createPod(adopted, on: "n0")
        try await provider.updatePod(pod("web"), on: "n0")
        let running = try #require(try await provider.pod(namespace: "team", name: "web"))
        #expect(running.status?.startTime == earlier)
        #expect(running.status?.containerStatuses?[0].state?.running?.startedAt == earlier)
        #expect(running.status?.conditions?.allSatisfy { $0.lastTransitionTime == earlier } == true)
    }

    @Test func nodesReportTheConfiguredCapacity() async throws {
        let (provider, _) = try await provider(MockConfiguration(capacity: ["cpu": "4", "pods": "10"], labels: ["pool": "a"], instanceType: "m"))
        let node = try await provider.node(named: "n0")
        #expect(node.capacity == ["cpu": "4", "pods": "10"])
        #expect(node.labels == ["pool": "a"] && node.instanceType == "m" && node.operatingSystem == "linux")
    }

    @Test func logsAreDeterministicLinesWithTheKubeletsOptions() async throws {
        let (provider, _) = try await provider()
        try await provider.createPod(pod("web", containers: ["app"]), on: "n0")
        clock.time.withLock { $0 = $0 + .seconds(30) }
        func text(_ options: LogOptions = LogOptions()) async throws -> String {
            var bytes: [UInt8] = []
            for try await chunk in try await provider.logs(namespace: "team", pod: "web", container: "app", options: options) {
                bytes += chunk
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(try await text() == (1...5).map { "web app line \($0)\n" }.joined())
        #expect(try await text(LogOptions(tailLines: 2)) == "web app line 4\nweb app line 5\n")
        #expect(try await text(LogOptions(tailLines: 1, timestamps: true)) == "\(Self.startedAt.rfc3339) web app line 5\n")
        #expect(try await text(LogOptions(limitBytes: 7)) == "web app")
        #expect(try await text(LogOptions(sinceSeconds: 60)) == (1...5).map { "web app line \($0)\n" }.joined())
        #expect(try await text(LogOptions(sinceSeconds: 10)) == "")  // started 30 s ago
        await #expect(throws: ProviderError.notFound("container db is not valid for pod web")) {
            _ = try await provider.logs(namespace: "team", pod: "web", container: "db", options: LogOptions())
        }
        await #expect(throws: ProviderError.self) {
            _ = try await provider.logs(namespace: "team", pod: "web", container: "app", options: LogOptions(previous: true))
        }
        await #expect(throws: ProviderError.self) {
            _ = try await provider.logs(namespace: "team", pod: "gone", container: "app", options: LogOptions())
        }
    }

    @Test func aFollowedLogStaysOpenUntilTheReaderStops() async throws {
        let (provider, _) = try await provider()
        try await provider.createPod(pod("web"), on: "n0")
        let stream = try await provider.logs(namespace: "team", pod: "web", container: "app", options: LogOptions(follow: true))
        let reader = Task { @LoopActor in
            var text = ""
            for try await chunk in stream { text += String(decoding: chunk, as: UTF8.self) }
            return text
        }
        try await Task.sleep(for: .milliseconds(50))
        reader.cancel()
        // Ended by the reader going away, not by the stream: every line arrived first.
        #expect(try await reader.value == (1...5).map { "web app line \($0)\n" }.joined())
    }
}

@Suite @LoopActor struct ProviderRegistryTests {
    @Test func configFilesAreReadAndCheckedInOneLine() throws {
        let directory = try TemporaryDirectory.make(prefix: "providers")
        let path = directory + "/mock.yaml"
        try "capacity:\n  cpu: \"8\"\n  ephemeral-storage: 50Gi\nlogLines: 2\n".write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try MockConfiguration.load(path: path)
        #expect(configuration.capacity == ["cpu": "8", "memory": "100Gi", "pods": "110", "ephemeral-storage": "50Gi"])
        #expect(configuration.logLines == 2)

        try "{\"logLines\": -1}".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ProviderConfigError("\(path): logLines: must not be negative")) { try MockConfiguration.load(path: path) }
        try "capacity: [1, 2]\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ProviderConfigError.self) { try MockConfiguration.load(path: path) }
        #expect(throws: ProviderConfigError("\(directory)/none.yaml: cannot be read")) {
            try MockConfiguration.load(path: directory + "/none.yaml")
        }
    }

    @Test func theRegistryMakesProvidersByName() throws {
        #expect(Providers.names == ["kubemark", "mock"])
        #expect(try Providers.make("mock", configPath: nil) is MockProvider)
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("providers/mock.yaml").path
        let fromExample = try #require(try Providers.make("mock", configPath: example) as? MockProvider)
        #expect(fromExample.configuration.instanceType == "mock.xlarge")
        #expect(throws: ProviderConfigError("unknown provider \"nope\" (known: kubemark, mock)")) { try Providers.make("nope", configPath: nil) }
    }
}
