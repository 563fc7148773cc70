import Kube
import Loop
import NodeAgent
import Providers
import Testing

/// The kubemark provider's pods through the Provider protocol and its capabilities: logs of started
/// runs (the previous one too, and followers ended with the run) and stats of running containers.
@Suite @LoopActor struct KubemarkProviderTests {
    nonisolated static let origin = Time(seconds: 1_800_000_000)
    let clock = ManualClock()

    func provider(_ configure: (inout PodLifecycleConfiguration) -> Void = { _ in }) async throws -> KubemarkProvider {
        var configuration = KubemarkConfiguration()
        configure(&configuration.pods)
        let provider = KubemarkProvider(
            configuration: configuration, clock: clock, wallClock: WallClock(origin: Self.origin, start: clock.now))
        try await provider.start(nodes: ["n0"], events: ProviderEvents(podChanged: { _, _ in }, nodeChanged: { _ in }))
        return provider
    }

    func at(_ seconds: Int64) -> Time { Self.origin + .seconds(seconds) }

    func text(_ provider: KubemarkProvider, _ container: String = "app", _ options: LogOptions = LogOptions()) async throws -> String {
        var bytes: [UInt8] = []
        for try await chunk in try await provider.logs(namespace: "team", pod: "crashy", container: container, options: options) {
            bytes += chunk
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func logsAreThoseOfStartedRunsAndPreviousIsTheRunBeforeARestart() async throws {
        let provider = try await provider {
            $0.failureFraction = 1
            $0.failAfter = .seconds(5)
            $0.logLines = 2
        }
        try await provider.createPod(simulatedPod("crashy", restartPolicy: "Always"), on: "n0")
        await #expect(throws: ProviderError.invalid("container \"app\" in pod \"crashy\" is waiting to start: ContainerCreating")) {
            _ = try await text(provider)
        }
        clock.advance(by: .seconds(1))
        #expect(try await text(provider) == "crashy app attempt 0 line 1\ncrashy app attempt 0 line 2\n")
        await #expect(throws: ProviderError.invalid("previous terminated container \"app\" in pod \"crashy\" not found")) {
            _ = try await text(provider, "app", LogOptions(previous: true))
        }
        await #expect(throws: ProviderError.notFound("container db is not valid for pod crashy")) { _ = try await text(provider, "db") }
        // Failed at 6 s, restarted at once.
        clock.advance(by: .seconds(5))
        #expect(try await text(provider) == "crashy app attempt 1 line 1\ncrashy app attempt 1 line 2\n")
        #expect(try await text(provider, "app", LogOptions(timestamps: true, previous: true)) == """
            \(at(1).rfc3339) crashy app attempt 0 line 1
            \(at(1).rfc3339) crashy app attempt 0 line 2
            \(at(6).rfc3339) crashy app attempt 0 exited with code 1

            """)
        // Backing off after the second failure (11 s): the run that ended is the current log and the previous one.
        clock.advance(by: .seconds(5))
        let ended = "crashy app attempt 1 line 1\ncrashy app attempt 1 line 2\ncrashy app attempt 1 exited with code 1\n"
        #expect(try await text(provider) == ended)
        #expect(try await text(provider, "app", LogOptions(previous: true)) == ended)
        #expect(try await text(provider, "app", LogOptions(tailLines: 1)) == "crashy app attempt 1 exited with code 1\n")
        #expect(try await text(provider, "app", LogOptions(sinceSeconds: 3)) == "crashy app attempt 1 exited with code 1\n")
        #expect(try await text(provider, "app", LogOptions(limitBytes: 6)) == "crashy")
        await #expect(throws: ProviderError.self) {
            _ = try await provider.logs(namespace: "team", pod: "gone", container: "app", options: LogOptions())
        }
    }

    @Test func aFollowedLogEndsWithTheRun() async throws {
        let provider = try await provider {
            $0.logLines = 1
            $0.jobRunTime = .seconds(30)
        }
        try await provider.createPod(simulatedPod("crashy", restartPolicy: "Never", ownerKind: "Job"), on: "n0")
        clock.advance(by: .seconds(1))
        let stream = try await provider.logs(namespace: "team", pod: "crashy", container: "app", options: LogOptions(follow: true))
        let reader = Task { @LoopActor in
            var text = ""
            for try await chunk in stream { text += String(decoding: chunk, as: UTF8.self) }
            return text
        }
        clock.advance(by: .seconds(30))
        #expect(try await reader.value == "crashy app attempt 0 line 1\ncrashy app attempt 0 exited with code 0\n")
    }

    @Test func statsCountTheRunningContainers() async throws {
        let provider = try await provider { $0.startupDelay = .seconds(10) }
        var pod = simulatedPod("crashy", containers: ["app", "sidecar"])
        pod.spec?.containers?[0].resources = ResourceRequirements(requests: ["cpu": "250m", "memory": "64Mi"])
        try await provider.createPod(pod, on: "n0")
        clock.advance(by: .seconds(5))
        let starting = try await provider.statsSummary(node: "n0")
        #expect(starting.pods.isEmpty && starting.node.startTime == Self.origin)
        #expect(starting.node.memory?.workingSetBytes == 128 * 1024 * 1024)
        #expect(starting.node.memory?.availableBytes == 4_026_531_840 - 128 * 1024 * 1024)
        clock.advance(by: .seconds(15))
        let running = try await provider.statsSummary(node: "n0")
        let stats = try #require(running.pods.first)
        #expect(stats.podRef == PodReference(name: "crashy", namespace: "team", uid: "uid-crashy"))
        #expect(stats.containers.map(\.name) == ["app", "sidecar"])
        #expect(stats.containers[0].startTime == at(10))
        // 250m for 10 s, and the sidecar's default 10m.
        #expect(stats.containers[0].cpu?.usageCoreNanoSeconds == 2_500_000_000)
        #expect(stats.cpu?.usageNanoCores == 260_000_000)
        #expect(stats.memory?.workingSetBytes == (64 + 16) * 1024 * 1024)
        #expect(try await provider.statsSummary(node: "n1").pods.isEmpty)
    }
}
