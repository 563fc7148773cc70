extension PodStatus {
    /// The status as the API server keeps it: every Time truncated to the second, as it is written
    /// on the wire. A status made in memory and one read back then compare equal with `==`, which is
    /// how the agent tells, without encoding either, that a write would change nothing.
    public var atWirePrecision: PodStatus {
        var status = self
        status.startTime = startTime?.wholeSeconds
        status.conditions = conditions?.map { condition in
            var condition = condition
            condition.lastProbeTime = condition.lastProbeTime?.wholeSeconds
            condition.lastTransitionTime = condition.lastTransitionTime?.wholeSeconds
            return condition
        }
        status.initContainerStatuses = initContainerStatuses?.map(\.atWirePrecision)
        status.containerStatuses = containerStatuses?.map(\.atWirePrecision)
        status.ephemeralContainerStatuses = ephemeralContainerStatuses?.map(\.atWirePrecision)
        return status
    }
}

extension ContainerStatus {
    var atWirePrecision: ContainerStatus {
        var status = self
        status.state = state?.atWirePrecision
        status.lastState = lastState?.atWirePrecision
        return status
    }
}

extension ContainerState {
    var atWirePrecision: ContainerState {
        var state = self
        state.running?.startedAt = running?.startedAt?.wholeSeconds
        state.terminated?.startedAt = terminated?.startedAt?.wholeSeconds
        state.terminated?.finishedAt = terminated?.finishedAt?.wholeSeconds
        return state
    }
}

extension Time {
    /// The same instant without its fraction, as the wire carries it.
    public var wholeSeconds: Time { Time(seconds: seconds) }
}
