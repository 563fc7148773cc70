import Kube
import Loop
import NodeAgent
@testable import Providers
import Testing

/// The simulated pod lifecycle on a manual clock: every phase, condition and container state at the
/// instant it changes, with the timestamps the kubelet would write.
@Suite @LoopActor struct PodSimulatorTests {
    @Test func podsStartAfterTheStartupDelayAndTurnReadyAfterTheReadinessDelay() throws {
        let bench = SimulationBench {
            $0.startupDelay = .seconds(2)
            $0.readinessDelay = .seconds(3)
        }
        try bench.simulator.create(simulatedPod("web", containers: ["app", "sidecar"]), on: "n0")
        let created = try #require(bench.status("web"))
        #expect(created.phase == "Pending" && created.startTime == bench.at(0))
        let unready = "containers with unready status: [app sidecar]"
        #expect(created.conditions == [
            podCondition("PodReadyToStartContainers", false, at: bench.at(0)),
            podCondition("Initialized", true, at: bench.at(0)),
            podCondition("Ready", false, at: bench.at(0), reason: "ContainersNotReady", message: unready),
            podCondition("ContainersReady", false, at: bench.at(0), reason: "ContainersNotReady", message: unready),
            podCondition("PodScheduled", true, at: bench.at(0)),
        ])
        #expect(created.containerStatuses == ["app", "sidecar"].map {
            ContainerStatus(
                name: $0, state: ContainerState(waiting: .init(reason: "ContainerCreating")), lastState: ContainerState(), ready: false,
                restartCount: 0, image: "busybox:1", imageID: "", started: false)
        })
        #expect(bench.takeNotes() == ["team/web @0"])

        bench.advance(to: 1.999)
        #expect(bench.status("web") == created && bench.takeNotes().isEmpty)

        bench.advance(to: 2)
        let running = try #require(bench.status("web"))
        #expect(running.phase == "Running")
        #expect(running.conditions?[0] == podCondition("PodReadyToStartContainers", true, at: bench.at(2)))
        #expect(running.conditions?[2] == podCondition("Ready", false, at: bench.at(0), reason: "ContainersNotReady", message: unready))
        let app = try #require(running.containerStatuses?.first)
        #expect(app.state == ContainerState(running: .init(startedAt: bench.at(2))))
        #expect(app.started == true && app.ready == false && app.restartCount == 0)
        #expect(app.containerID?.hasPrefix("kubemark://") == true && app.containerID?.count == "kubemark://".count + 64)
        #expect(app.imageID?.hasPrefix("busybox:1@sha256:") == true)
        #expect(running.containerStatuses?[1].containerID != app.containerID)
        #expect(bench.takeNotes() == ["team/web @2000"])

        bench.advance(to: 5)
        let ready = try #require(bench.status("web"))
        #expect(ready.conditions?[2] == podCondition("Ready", true, at: bench.at(5)))
        #expect(ready.conditions?[3] == podCondition("ContainersReady", true, at: bench.at(5)))
        #expect(ready.containerStatuses?.allSatisfy { $0.ready == true && $0.containerID != nil } == true)
        #expect(app.containerID == ready.containerStatuses?[0].containerID)
        #expect(bench.takeNotes() == ["team/web @5000"])
        // Nothing more happens to a server that runs until stopped: no timer stays armed.
        #expect(bench.clock.pendingCount == 0)
    }

    @Test func jitterIsDrawnPerPodFromTheSeedAndThePodsUID() throws {
        let configure: (inout PodLifecycleConfiguration) -> Void = {
            $0.startupDelay = .seconds(1)
            $0.startupJitter = .seconds(2)
            $0.readinessJitter = .milliseconds(500)
            $0.seed = 42
        }
        let bench = SimulationBench(configure)
        // The draws, in the simulator's order: startup jitter, then readiness jitter, in whole milliseconds.
        var random = SplitMix64(seed: 42 ^ SplitMix64.hash("uid-web"))
        let startup = 1000 + Int64((random.fraction() * 2001).rounded(.down))
        let readiness = Int64((random.fraction() * 501).rounded(.down))
        try bench.simulator.create(simulatedPod("web"), on: "n0")
        bench.advance(to: Double(startup - 1) / 1000)
        #expect(bench.status("web")?.phase == "Pending")
        bench.advance(to: Double(startup) / 1000)
        #expect(bench.container("web")?.state?.running?.startedAt == bench.at(Double(startup) / 1000))
        bench.advance(to: Double(startup + readiness) / 1000)
        #expect(bench.condition("Ready", of: "web")?.lastTransitionTime == bench.at(Double(startup + readiness) / 1000))
        #expect(bench.container("web")?.ready == true)

        // The same seed replays the same times whatever order pods come in; another seed draws others.
        let names = (0..<20).map { "pod-\($0)" }
        func startTimes(_ bench: SimulationBench, order: [String]) throws -> [String: Time] {
            for name in order { try bench.simulator.create(simulatedPod(name), on: "n0") }
            bench.advance(to: 4)
            return Dictionary(uniqueKeysWithValues: try names.map { ($0, try #require(bench.container($0)?.state?.running?.startedAt)) })
        }
        let first = try startTimes(SimulationBench(configure), order: names)
        #expect(try startTimes(SimulationBench(configure), order: names.reversed()) == first)
        #expect(first.values.allSatisfy { $0 >= bench.at(1) && $0 <= bench.at(3) })
        #expect(Set(first.values).count > 10)
        let other = try startTimes(SimulationBench { configure(&$0); $0.seed = 43 }, order: names)
        #expect(other != first)
    }

    @Test func podIdentitiesHashWithFNV1a() {
        // FNV-1a's offset basis, and its published value for "a": stable across processes and versions.
        #expect(SplitMix64.hash("") == 0xCBF2_9CE4_8422_2325 && SplitMix64.hash("a") == 0xAF63_DC4C_8601_EC8C)
    }

    @Test(arguments: ["Never", "OnFailure", "Always"])
    func theRunSecondsAnnotationRunsTheContainersThatLong(policy: String) throws {
        let bench = SimulationBench()
        try bench.simulator.create(
            simulatedPod("batch", restartPolicy: policy, annotations: ["node-agent.io/run-seconds": "4.5"]), on: "n0")
        bench.advance(to: 1)
        let running = try #require(bench.container("batch"))
        bench.advance(to: 5.499)
        #expect(bench.status("batch")?.phase == "Running")
        bench.advance(to: 5.5)
        let status = try #require(bench.status("batch"))
        let exited = ContainerState.Terminated(
            exitCode: 0, reason: "Completed", startedAt: bench.at(1), finishedAt: bench.at(5.5), containerID: running.containerID)
        if policy == "Always" {
            // Always restarts even a container that succeeded: the first restart is at once.
            #expect(status.phase == "Running")
            #expect(status.containerStatuses?[0].restartCount == 1 && status.containerStatuses?[0].lastState?.terminated == exited)
            #expect(status.containerStatuses?[0].state?.running?.startedAt == bench.at(5.5))
        } else {
            #expect(status.phase == "Succeeded")
            #expect(status.containerStatuses?[0].state == ContainerState(terminated: exited))
            #expect(status.containerStatuses?[0].ready == false && status.containerStatuses?[0].started == false)
            #expect(status.conditions?[2] == podCondition("Ready", false, at: bench.at(5.5), reason: "PodCompleted"))
            #expect(bench.clock.pendingCount == 0)
        }
    }

    @Test func aJobsPodsCompleteAfterTheJobRunTime() throws {
        let bench = SimulationBench { $0.jobRunTime = .seconds(7) }
        try bench.simulator.create(simulatedPod("job-x", restartPolicy: "OnFailure", ownerKind: "Job"), on: "n0")
        try bench.simulator.create(simulatedPod("rs-x", restartPolicy: "Always", ownerKind: "ReplicaSet"), on: "n0")
        bench.advance(to: 7.999)
        #expect(bench.status("job-x")?.phase == "Running")
        bench.advance(to: 8)
        #expect(bench.status("job-x")?.phase == "Succeeded")
        #expect(bench.container("job-x")?.state?.terminated?.finishedAt == bench.at(8))
        bench.advance(to: 600)
        #expect(bench.status("rs-x")?.phase == "Running" && bench.container("rs-x")?.restartCount == 0)
    }

    @Test func failingContainersFailThePodWhenItNeverRestarts() throws {
        let bench = SimulationBench {
            $0.failureFraction = 1
            $0.failAfter = .seconds(3)
            $0.failureExitCode = 2
            $0.failureReason = "OOMKilled"
        }
        try bench.simulator.create(simulatedPod("doomed", restartPolicy: "Never"), on: "n0")
        bench.advance(to: 3.999)
        #expect(bench.status("doomed")?.phase == "Running")
        bench.advance(to: 4)
        let status = try #require(bench.status("doomed"))
        #expect(status.phase == "Failed")
        #expect(status.containerStatuses?[0].state?.terminated?.exitCode == 2)
        #expect(status.containerStatuses?[0].state?.terminated?.reason == "OOMKilled")
        #expect(status.conditions?[2] == podCondition(
            "Ready", false, at: bench.at(4), reason: "ContainersNotReady", message: "containers with unready status: [app]"))
        #expect(bench.clock.pendingCount == 0)
    }

    @Test(arguments: ["Always", "OnFailure"])
    func crashLoopsBackOffTenSecondsDoublingToFiveMinutes(policy: String) throws {
        let bench = SimulationBench {
            $0.failureFraction = 1
            $0.failAfter = .seconds(5)
        }
        try bench.simulator.create(simulatedPod("crashy", restartPolicy: policy), on: "n0")
        // Run 0 starts at 1 s and fails at 6 s; the kubelet restarts it at once the first time.
        bench.advance(to: 6)
        var app = try #require(bench.container("crashy"))
        #expect(app.restartCount == 1 && app.state?.running?.startedAt == bench.at(6))
        #expect(app.lastState?.terminated?.exitCode == 1 && app.lastState?.terminated?.reason == "Error")
        #expect(app.lastState?.terminated?.startedAt == bench.at(1) && app.lastState?.terminated?.finishedAt == bench.at(6))
        var containerIDs: Set = [app.containerID, app.lastState?.terminated?.containerID]
        // Every later crash waits the back-off: 10 s, doubling, at most 5 min.
        var crash = 11.0
        for (restarts, backOff, text) in [(1, 10.0, "10s"), (2, 20, "20s"), (3, 40, "40s"), (4, 80, "1m20s"), (5, 160, "2m40s"), (6, 300, "5m0s"), (7, 300, "5m0s")] {
            bench.advance(to: crash)
            app = try #require(bench.container("crashy"))
            #expect(app.state?.waiting == .init(
                reason: "CrashLoopBackOff", message: "back-off \(text) restarting failed container=app pod=crashy_team(uid-crashy)"))
            #expect(app.restartCount == restarts && app.ready == false && app.started == false)
            #expect(app.lastState?.terminated?.finishedAt == bench.at(crash))
            #expect(app.containerID == app.lastState?.terminated?.containerID)
            #expect(bench.status("crashy")?.phase == "Running")
            #expect(bench.condition("Ready", of: "crashy")?.status == "False")
            bench.advance(to: crash + backOff - 0.001)
            #expect(bench.container("crashy")?.state?.waiting?.reason == "CrashLoopBackOff")
            bench.advance(to: crash + backOff)
            app = try #require(bench.container("crashy"))
            #expect(app.restartCount == restarts + 1 && app.state?.running?.startedAt == bench.at(crash + backOff))
            #expect(containerIDs.insert(app.containerID).inserted)
            crash += backOff + 5
        }
    }

    @Test func aContainerThatCrashesOnceRestartsThenRunsOn() throws {
        let bench = SimulationBench {
            $0.restartFraction = 1
            $0.restartAfter = .seconds(30)
        }
        try bench.simulator.create(simulatedPod("flaky"), on: "n0")
        try bench.simulator.create(simulatedPod("fragile", restartPolicy: "Never"), on: "n0")
        bench.advance(to: 31)
        let app = try #require(bench.container("flaky"))
        #expect(app.restartCount == 1 && app.state?.running?.startedAt == bench.at(31) && app.ready == true)
        #expect(app.lastState?.terminated?.exitCode == 1 && app.lastState?.terminated?.startedAt == bench.at(1))
        #expect(bench.status("fragile")?.phase == "Failed")
        bench.advance(to: 3600)
        #expect(bench.container("flaky")?.restartCount == 1 && bench.clock.pendingCount == 0)
    }

    @Test func initContainersRunOneAfterAnotherBeforeTheAppContainers() throws {
        let bench = SimulationBench { $0.initContainerDuration = .seconds(2) }
        try bench.simulator.create(simulatedPod("web", initContainers: ["migrate", "warm"]), on: "n0")
        var status = try #require(bench.status("web"))
        #expect(status.conditions?[1] == podCondition(
            "Initialized", false, at: bench.at(0), reason: "ContainersNotInitialized",
            message: "containers with incomplete status: [migrate warm]"))
        #expect(status.initContainerStatuses?.map { $0.state?.waiting?.reason } == ["PodInitializing", "PodInitializing"])
        #expect(status.containerStatuses?[0].state?.waiting?.reason == "PodInitializing")

        bench.advance(to: 1)
        status = try #require(bench.status("web"))
        #expect(status.phase == "Pending")
        #expect(status.initContainerStatuses?[0].state?.running?.startedAt == bench.at(1))
        #expect(status.initContainerStatuses?[0].started == true && status.initContainerStatuses?[0].ready == false)
        #expect(status.initContainerStatuses?[1].state?.waiting != nil)

        bench.advance(to: 3)
        status = try #require(bench.status("web"))
        let migrate = try #require(status.initContainerStatuses?[0])
        #expect(migrate.state?.terminated?.exitCode == 0 && migrate.state?.terminated?.reason == "Completed")
        #expect(migrate.state?.terminated?.finishedAt == bench.at(3) && migrate.ready == true && migrate.started == false)
        #expect(status.initContainerStatuses?[1].state?.running?.startedAt == bench.at(3))
        #expect(status.conditions?[1].message == "containers with incomplete status: [warm]")
        #expect(status.containerStatuses?[0].state?.waiting?.reason == "PodInitializing")

        bench.advance(to: 5)
        status = try #require(bench.status("web"))
        #expect(status.phase == "Running")
        #expect(status.conditions?[1] == podCondition("Initialized", true, at: bench.at(5)))
        #expect(status.conditions?[2] == podCondition("Ready", true, at: bench.at(5)))
        #expect(status.containerStatuses?[0].state?.running?.startedAt == bench.at(5))
        #expect(status.initContainerStatuses?.allSatisfy { $0.ready == true && $0.state?.terminated != nil } == true)
        #expect(Set(status.initContainerStatuses?.compactMap(\.containerID) ?? []).count == 2)
        #expect(bench.takeNotes() == ["team/web @0", "team/web @1000", "team/web @3000", "team/web @5000"])
    }

    @Test func deletionStopsTheContainersAndTakesTheGracePeriod() throws {
        let bench = SimulationBench()
        try bench.simulator.create(simulatedPod("web", grace: 30), on: "n0")
        bench.advance(to: 10)
        _ = bench.takeNotes()
        try bench.simulator.delete(simulatedPod("web", grace: 30))
        let stopping = try #require(bench.status("web"))
        #expect(stopping.containerStatuses?[0].state?.terminated == ContainerState.Terminated(
            exitCode: 0, reason: "Completed", startedAt: bench.at(1), finishedAt: bench.at(10),
            containerID: stopping.containerStatuses?[0].containerID))
        #expect(stopping.phase == "Succeeded")
        #expect(stopping.conditions?[2].status == "False" && stopping.conditions?[2].lastTransitionTime == bench.at(10))
        bench.advance(to: 39.999)
        #expect(bench.status("web") != nil)
        bench.advance(to: 40)
        #expect(bench.simulator.pod(namespace: "team", name: "web") == nil && bench.simulator.count == 0)
        #expect(bench.takeNotes() == ["team/web @10000", "team/web @40000"])
        try bench.simulator.delete(simulatedPod("web"))  // gone already: nothing to do
        #expect(bench.takeNotes().isEmpty)
    }

    @Test func theConfiguredCapShortensDeletionAndPodsThatNeverRanGoAtOnce() throws {
        let bench = SimulationBench { $0.maxDeletionGracePeriod = .seconds(2) }
        try bench.simulator.create(simulatedPod("long", grace: 3600), on: "n0")
        try bench.simulator.create(simulatedPod("short", grace: 1), on: "n0")
        try bench.simulator.create(simulatedPod("unset"), on: "n0")
        bench.advance(to: 5)
        for name in ["long", "short", "unset"] { try bench.simulator.delete(simulatedPod(name, grace: name == "long" ? 3600 : name == "short" ? 1 : nil)) }
        bench.advance(to: 6)
        #expect(bench.status("short") == nil && bench.status("long") != nil && bench.status("unset") != nil)
        bench.advance(to: 7)
        #expect(bench.simulator.count == 0)

        try bench.simulator.create(simulatedPod("creating"), on: "n0")
        try bench.simulator.delete(simulatedPod("creating", grace: 30))
        #expect(bench.status("creating") == nil)
    }

    @Test func anImageChangeRestartsThatContainerAtOnce() throws {
        let bench = SimulationBench { $0.readinessDelay = .seconds(2) }
        try bench.simulator.create(simulatedPod("web", containers: ["app", "sidecar"]), on: "n0")
        bench.advance(to: 20)
        let before = try #require(bench.container("web"))
        var updated = simulatedPod("web", containers: ["app", "sidecar"])
        updated.spec?.containers?[0].image = "busybox:2"
        try bench.simulator.update(updated)
        let app = try #require(bench.container("web"))
        #expect(app.image == "busybox:2" && app.restartCount == 1 && app.ready == false)
        #expect(app.state?.running?.startedAt == bench.at(20) && app.containerID != before.containerID)
        #expect(app.lastState?.terminated == ContainerState.Terminated(
            exitCode: 0, reason: "Completed", startedAt: bench.at(1), finishedAt: bench.at(20), containerID: before.containerID))
        #expect(bench.container("web", 1)?.restartCount == 0 && bench.container("web", 1)?.ready == true)
        #expect(bench.simulator.pod(namespace: "team", name: "web")?.spec == updated.spec)
        #expect(bench.condition("Ready", of: "web") == podCondition(
            "Ready", false, at: bench.at(20), reason: "ContainersNotReady", message: "containers with unready status: [app]"))
        bench.advance(to: 22)
        #expect(bench.condition("Ready", of: "web") == podCondition("Ready", true, at: bench.at(22)))
        #expect(throws: ProviderError.self) { try bench.simulator.update(simulatedPod("other")) }
    }

    @Test func creatingAgainKeepsThePodAndEveryPodIsListedWithItsNode() throws {
        let bench = SimulationBench()
        try bench.simulator.create(simulatedPod("b"), on: "n1")
        try bench.simulator.create(simulatedPod("a"), on: "n0")
        bench.advance(to: 5)
        let running = bench.status("a")
        try bench.simulator.create(simulatedPod("a"), on: "n0")
        #expect(bench.status("a") == running)
        #expect(bench.simulator.pods().map { "\($0.pod.metadata.name ?? "")@\($0.node)" } == ["a@n0", "b@n1"])
        #expect(bench.simulator.pods().first?.pod.metadata.uid == "uid-a")
        #expect(bench.simulator.pods(on: "n1").map(\.metadata.name) == ["b"])
        #expect(throws: ProviderError.invalid("a pod without a name")) { try bench.simulator.create(Pod(), on: "n0") }

        // A new pod of the same name while the old one is still stopping: the new one runs.
        try bench.simulator.delete(simulatedPod("a", grace: 30))
        var replacement = simulatedPod("a")
        replacement.metadata.uid = "uid-a-2"
        try bench.simulator.create(replacement, on: "n0")
        #expect(bench.simulator.pod(namespace: "team", name: "a")?.metadata.uid == "uid-a-2")
        #expect(bench.status("a")?.phase == "Pending" && bench.status("a")?.startTime == bench.at(5))
        bench.advance(to: 40)
        #expect(bench.status("a")?.phase == "Running")
    }

    @Test func aWorkloadsPodsShareOneSpecYetEachReportsItsOwnNode() throws {
        var specs = SharedSpecs()
        func replica(_ name: String, node: String, image: String = "busybox:1") -> Pod {
            var pod = simulatedPod(name, ownerKind: "ReplicaSet")
            pod.spec?.nodeName = node
            pod.spec?.containers?[0].image = image
            return pod
        }
        let first = specs.take(for: replica("a", node: "n0"))
        let second = specs.take(for: replica("b", node: "n1"))
        #expect(first === second && first.users == 2)
        #expect(first.spec(on: "n1") == replica("b", node: "n1").spec)
        // A new spec (a rollout) is another copy, which the owner's next pods share.
        let rolled = specs.take(for: replica("c", node: "n0", image: "busybox:2"))
        #expect(rolled !== first && specs.take(for: replica("d", node: "n2", image: "busybox:2")) === rolled)
        #expect(specs.take(for: simulatedPod("bare")) !== specs.take(for: simulatedPod("bare")))
        specs.release(rolled)
        specs.release(rolled)
        #expect(specs.take(for: replica("e", node: "n0", image: "busybox:2")) !== rolled)

        let bench = SimulationBench()
        try bench.simulator.create(replica("a", node: "n0"), on: "n0")
        try bench.simulator.create(replica("b", node: "n1"), on: "n1")
        #expect(bench.simulator.pod(namespace: "team", name: "b")?.spec == replica("b", node: "n1").spec)
        #expect(bench.simulator.pod(namespace: "team", name: "a")?.spec?.nodeName == "n0")
    }
}
