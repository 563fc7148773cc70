import Kube
import Testing

@Suite struct PodStatusWireTests {
    /// Every Time of a status loses its fraction; nothing else changes; and the result equals the
    /// status read back from its JSON.
    @Test func aStatusAtWirePrecisionEqualsItsJSONReadBack() throws {
        let instant = Time(seconds: 1_795_323_653, nanoseconds: 987_654_321)
        var status = PodStatus(phase: "Running", conditions: [PodCondition(type: "Ready", status: "True", lastProbeTime: instant, lastTransitionTime: instant)])
        status.startTime = instant
        let terminated = ContainerState(terminated: .init(exitCode: 1, reason: "Error", startedAt: instant, finishedAt: instant))
        status.containerStatuses = [ContainerStatus(name: "c", state: ContainerState(running: .init(startedAt: instant)), lastState: terminated, restartCount: 1)]
        status.initContainerStatuses = [ContainerStatus(name: "i", state: terminated)]
        status.ephemeralContainerStatuses = [ContainerStatus(name: "e", state: ContainerState(waiting: .init(reason: "Pending")))]

        let wire = status.atWirePrecision
        #expect(wire != status)
        #expect(wire.startTime == Time(seconds: 1_795_323_653))
        #expect(wire.conditions?[0].lastProbeTime == Time(seconds: 1_795_323_653))
        #expect(wire.containerStatuses?[0].state?.running?.startedAt == Time(seconds: 1_795_323_653))
        #expect(wire.containerStatuses?[0].lastState?.terminated?.finishedAt == Time(seconds: 1_795_323_653))
        #expect(wire.initContainerStatuses?[0].state?.terminated?.startedAt == Time(seconds: 1_795_323_653))
        #expect(wire.containerStatuses?[0].restartCount == 1 && wire.phase == "Running")
        let readBack = try JSONValue(encoding: status).decode(PodStatus.self)
        #expect(readBack == wire)
        #expect(wire.atWirePrecision == wire)
    }
}
