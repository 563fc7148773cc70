import Kube
import Loop

/// How each run of a simulated container ends, decided once when its pod is created.
struct ContainerScript: Equatable, Sendable {
    /// How long a run lasts before its process exits with `exitCode`; nil = until it is stopped.
    var runLength: Duration?
    var exitCode: Int32 = 0
    /// A container that crashes once (`restartFraction`): its first run ends after this with
    /// `crashExitCode`, the later ones follow `runLength`.
    var firstCrash: Duration?
    var crashExitCode: Int32 = 1

    /// When run `attempt` (0 = the first) exits after its start, and with which code; nil = it does not.
    func exit(ofAttempt attempt: Int32) -> (after: Duration, code: Int32)? {
        if attempt == 0, let firstCrash { return (firstCrash, crashExitCode) }
        return runLength.map { ($0, exitCode) }
    }
}

/// Every decision the simulator makes for a pod, made when it is created. The random ones come from
/// a generator seeded with the configured seed and the pod's identity, so they do not depend on the
/// order pods arrive in.
struct PodPlan: Equatable, Sendable {
    /// A stable hash of the pod's UID (else namespace/name): seeds its draws and its container IDs.
    var identity: UInt64
    var startupDelay: Duration
    var readinessDelay: Duration
    var initScripts: [ContainerScript]
    var scripts: [ContainerScript]

    init(pod: Pod, configuration: PodLifecycleConfiguration) {
        identity = SplitMix64.hash(pod.metadata.uid ?? "\(pod.metadata.namespace ?? "default")/\(pod.metadata.name ?? "")")
        var random = SplitMix64(seed: configuration.seed ^ identity)
        startupDelay = configuration.startupDelay + random.duration(upTo: configuration.startupJitter)
        readinessDelay = configuration.readinessDelay + random.duration(upTo: configuration.readinessJitter)
        initScripts = (pod.spec?.initContainers ?? []).map { _ in ContainerScript(runLength: configuration.initContainerDuration) }
        let completion = Self.completion(of: pod, configuration: configuration)
        let failureCode = Int32(configuration.failureExitCode)
        scripts = (pod.spec?.containers ?? []).map { _ in
            // Both draws are made for every container, so one fraction's value never shifts the other's draws.
            let fails = random.fraction() < configuration.failureFraction
            let crashes = random.fraction() < configuration.restartFraction
            if fails { return ContainerScript(runLength: configuration.failAfter, exitCode: failureCode) }
            return ContainerScript(
                runLength: completion, firstCrash: crashes ? configuration.restartAfter : nil, crashExitCode: failureCode)
        }
    }

    /// How long the containers run before exiting 0: the annotation's seconds, else the Job run time
    /// for a Job's pod; nil = until stopped.
    static func completion(of pod: Pod, configuration: PodLifecycleConfiguration) -> Duration? {
        if let text = pod.metadata.annotations?[configuration.runSecondsAnnotation], let seconds = Double(text),
            seconds.isFinite, seconds >= 0
        {
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        if pod.metadata.ownerReferences?.contains(where: { $0.kind == "Job" }) == true { return configuration.jobRunTime }
        return nil
    }
}
