import Foundation
import Kube
import Loop
import NodeAgent
import Providers
import TestSupport
import Testing

/// The kubemark config: the actuator's examples as they are, every field, and one line for each mistake.
@Suite @LoopActor struct KubemarkConfigurationTests {
    /// A file of the repository's `providers/` folder.
    nonisolated static func examplePath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("providers/\(name)").path
    }

    static func example(_ name: String) throws -> KubemarkConfiguration {
        try KubemarkConfiguration.load(path: examplePath(name))
    }

    let directory: String
    init() throws { directory = try TemporaryDirectory.make(prefix: "kubemark-config") }

    /// `text` written to a file and loaded.
    func load(_ text: String) throws -> KubemarkConfiguration {
        try KubemarkConfiguration.load(path: write(text))
    }

    func write(_ text: String) throws -> String {
        let path = directory + "/kubemark.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theActuatorsTwoExamplesLoadAsTheyAre() throws {
        let flapping = try Self.example("kubemark-flapping.yaml")
        #expect(flapping.turnUnhealthyPeriodically && !flapping.turnUnhealthyAfter)
        #expect(flapping.healthyDuration == .seconds(40) && flapping.unhealthyDuration == .seconds(5))
        #expect(flapping.healthSchedule == HealthSchedule(.periodic(healthy: .seconds(40), unhealthy: .seconds(5))))
        #expect(flapping.numCores == 1 && flapping.memoryCapacity == 4_026_531_840 && flapping.maxPods == 110)
        #expect(flapping.nodeOffset == .zero && flapping.pods == PodLifecycleConfiguration())

        let after = try Self.example("kubemark-after.yaml")
        #expect(after.turnUnhealthyAfter && !after.turnUnhealthyPeriodically)
        #expect(after.unhealthyDuration == .seconds(40) && after.healthyDuration == nil)
        #expect(after.healthSchedule == HealthSchedule(.unhealthyAfter(.seconds(40))))

        // The registry reads the same files.
        let provider = try #require(try Providers.make("kubemark", configPath: Self.examplePath("kubemark-after.yaml")) as? KubemarkProvider)
        #expect(provider.configuration == after)
        #expect(try Providers.make("kubemark", configPath: nil) is KubemarkProvider)
    }

    @Test func theCommentedPodsSectionOfTheExampleIsEveryFieldWithItsDefault() throws {
        let text = try String(contentsOfFile: Self.examplePath("kubemark-flapping.yaml"), encoding: .utf8)
        // Uncommented, the `pods:` block must load and change nothing.
        let pods = text.split(separator: "\n").drop { !$0.hasPrefix("# pods:") }.map { String($0.dropFirst(2)) }
        let configuration = try load(pods.joined(separator: "\n"))
        #expect(configuration.pods == PodLifecycleConfiguration())
        for field in ["startupDelay", "startupJitter", "readinessDelay", "readinessJitter", "runSecondsAnnotation", "jobRunTime",
            "failureFraction", "failAfter", "failureExitCode", "failureReason", "restartFraction", "restartAfter",
            "initContainerDuration", "maxDeletionGracePeriod", "logLines", "seed"]
        {
            #expect(pods.contains { $0.hasPrefix("  \(field):") }, "missing \(field)")
        }
    }

    @Test func everyFieldIsRead() throws {
        let configuration = try load("""
            turnUnhealthyAfter: true
            healthyDuration: 1m30s
            unhealthyDuration: 500ms
            nodeOffset: 2s
            numCores: 8
            memoryCapacity: 16Gi
            maxPods: 250
            deletionTimeout: 5m
            pods:
              startupDelay: 3s
              startupJitter: 1s
              readinessDelay: 2s
              readinessJitter: 250ms
              runSecondsAnnotation: example.com/run
              jobRunTime: 1m
              failureFraction: 0.25
              failureExitCode: 137
              failureReason: OOMKilled
              failAfter: 7s
              restartFraction: 0.5
              restartAfter: 45s
              initContainerDuration: 0s
              maxDeletionGracePeriod: 3s
              logLines: 2
              seed: 99
            """)
        #expect(configuration.healthSchedule == HealthSchedule(.unhealthyAfter(.seconds(90))))
        #expect(configuration.nodeOffset == .seconds(2) && configuration.numCores == 8 && configuration.maxPods == 250)
        #expect(configuration.memoryCapacity == 16 * 1024 * 1024 * 1024)
        var pods = PodLifecycleConfiguration()
        pods.startupDelay = .seconds(3)
        pods.startupJitter = .seconds(1)
        pods.readinessDelay = .seconds(2)
        pods.readinessJitter = .milliseconds(250)
        pods.runSecondsAnnotation = "example.com/run"
        pods.jobRunTime = .seconds(60)
        pods.failureFraction = 0.25
        pods.failureExitCode = 137
        pods.failureReason = "OOMKilled"
        pods.failAfter = .seconds(7)
        pods.restartFraction = 0.5
        pods.restartAfter = .seconds(45)
        pods.initContainerDuration = .zero
        pods.maxDeletionGracePeriod = .seconds(3)
        pods.logLines = 2
        pods.seed = 99
        #expect(configuration.pods == pods)

        #expect(try load("{\"numCores\": 2, \"memoryCapacity\": 1073741824, \"pods\": {\"seed\": 1}}").memoryCapacity == 1_073_741_824)
        #expect(try load("") == KubemarkConfiguration())
        // The periodic durations alone, without a mode: the node stays Ready.
        #expect(try load("healthyDuration: 5s\nunhealthyDuration: 5s\n").healthSchedule == HealthSchedule(.alwaysHealthy))
    }

    @Test func eachMistakeIsOneLineNamingTheFileAndTheField() throws {
        let path = try write("")
        let mistakes: [(String, String)] = [
            ("healthyDuration: 5x", "healthyDuration: \"5x\" is not a duration such as 5s, 500ms or 1m30s"),
            ("nodeOffset: -1s", "nodeOffset: \"-1s\" is not a duration such as 5s, 500ms or 1m30s"),
            ("turnUnhealthyPeriodically: true\nhealthyDuration: 5s",
             "turnUnhealthyPeriodically: needs both healthyDuration and unhealthyDuration"),
            ("turnUnhealthyPeriodically: true\nhealthyDuration: 0s\nunhealthyDuration: 5s",
             "healthyDuration: must be longer than 0s with turnUnhealthyPeriodically"),
            ("turnUnhealthyAfter: true",
             "turnUnhealthyAfter: needs healthyDuration (or unhealthyDuration): how long the node stays Ready"),
            ("numCores: 0", "numCores: must be at least 1, got 0"),
            ("maxPods: -5", "maxPods: must not be negative, got -5"),
            ("memoryCapacity: -1Gi", "memoryCapacity: must be a positive number of bytes, got -1Gi"),
            ("healthyDuratoin: 5s", "healthyDuratoin: unknown field (known: turnUnhealthyAfter, turnUnhealthyPeriodically, "
                + "healthyDuration, unhealthyDuration, nodeOffset, numCores, memoryCapacity, maxPods, pods)"),
            ("pods:\n  startupDelay: soon", "pods.startupDelay: \"soon\" is not a duration such as 5s, 500ms or 1m30s"),
            ("pods:\n  failureFraction: 1.5", "pods.failureFraction: must be a fraction from 0 to 1, got 1.5"),
            ("pods:\n  restartFraction: -0.1", "pods.restartFraction: must be a fraction from 0 to 1, got -0.1"),
            ("pods:\n  failureExitCode: 0", "pods.failureExitCode: must be from 1 to 255, got 0"),
            ("pods:\n  failureReason: \"\"", "pods.failureReason: must not be empty"),
            ("pods:\n  runSecondsAnnotation: \"\"", "pods.runSecondsAnnotation: must not be empty"),
            ("pods:\n  logLines: -1", "pods.logLines: must not be negative, got -1"),
            ("pods:\n  seed: -3", "pods.seed: must not be negative, got -3"),
            ("pods:\n  jitter: 1s", "pods.jitter: unknown field (known: startupDelay, startupJitter, readinessDelay, readinessJitter, "
                + "runSecondsAnnotation, jobRunTime, failureFraction, failureExitCode, failureReason, failAfter, restartFraction, "
                + "restartAfter, initContainerDuration, maxDeletionGracePeriod, logLines, seed)"),
        ]
        for (text, message) in mistakes {
            #expect(throws: ProviderConfigError("\(path): \(message)"), "\(text)") { try load(text) }
        }
        // Wrong types and broken syntax are one line too.
        for text in ["turnUnhealthyAfter: sometimes", "numCores: [1]", "pods: 3", "healthyDuration: [5s", "{\"numCores\": }"] {
            do {
                _ = try load(text)
                Issue.record("\(text) loaded")
            } catch {
                let line = (error as? ProviderConfigError)?.description ?? ""
                #expect(line.hasPrefix("\(path): ") && !line.contains("\n"), "\(error)")
            }
        }
        #expect(throws: ProviderConfigError("\(directory)/none.yaml: cannot be read")) {
            try KubemarkConfiguration.load(path: directory + "/none.yaml")
        }
    }
}
