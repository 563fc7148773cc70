/// How simulated pods live (the `pods:` section of a provider config): how long they take to start and
/// to become ready, which complete, fail or crash, and how long deletion takes. Every field is optional;
/// durations are Go duration strings (`5s`, `1m30s`). See `providers/kubemark-flapping.yaml`.
public struct PodLifecycleConfiguration: Decodable, Sendable, Equatable {
    /// Created → the first container running: sandbox, image and container start.
    public var startupDelay: Duration = .seconds(1)
    /// Added to `startupDelay`: uniform in [0, jitter], drawn per pod.
    public var startupJitter: Duration = .zero
    /// Running → ready, for every container at every start.
    public var readinessDelay: Duration = .zero
    /// Added to `readinessDelay`: uniform in [0, jitter], drawn per pod.
    public var readinessJitter: Duration = .zero
    /// A pod with this annotation (seconds, e.g. `"30"` or `"2.5"`) runs its containers that long; they exit 0.
    public var runSecondsAnnotation = "node-agent.io/run-seconds"
    /// How long the containers of a pod owned by a Job run before exiting 0 (without the annotation).
    public var jobRunTime: Duration = .seconds(10)
    /// Containers that fail: each run ends after `failAfter` with `failureExitCode`.
    public var failureFraction = 0.0
    public var failureExitCode = 1
    /// The terminated state's reason for a non-zero exit.
    public var failureReason = "Error"
    public var failAfter: Duration = .seconds(5)
    /// Containers that crash once, after `restartAfter` (with `failureExitCode`), then run as the others do.
    public var restartFraction = 0.0
    public var restartAfter: Duration = .seconds(30)
    /// Each init container runs this long, one after another, before the app containers start.
    public var initContainerDuration: Duration = .seconds(1)
    /// Deletion takes the pod's grace period (`deletionGracePeriodSeconds`), or this when shorter; nil = no cap.
    public var maxDeletionGracePeriod: Duration?
    /// Lines each run of a container writes to its log.
    public var logLines = 5
    /// Every random draw derives from this and the pod's UID: the same seed replays the same run.
    public var seed: UInt64 = 0

    public init() {}

    static let fields = [
        "startupDelay", "startupJitter", "readinessDelay", "readinessJitter", "runSecondsAnnotation", "jobRunTime",
        "failureFraction", "failureExitCode", "failureReason", "failAfter", "restartFraction", "restartAfter",
        "initContainerDuration", "maxDeletionGracePeriod", "logLines", "seed",
    ]

    public init(from decoder: any Decoder) throws {
        let fields = try ConfigFields(decoder, known: Self.fields)
        startupDelay = try fields.duration("startupDelay") ?? startupDelay
        startupJitter = try fields.duration("startupJitter") ?? startupJitter
        readinessDelay = try fields.duration("readinessDelay") ?? readinessDelay
        readinessJitter = try fields.duration("readinessJitter") ?? readinessJitter
        runSecondsAnnotation = try fields.value(String.self, "runSecondsAnnotation") ?? runSecondsAnnotation
        guard !runSecondsAnnotation.isEmpty else { throw fields.error("runSecondsAnnotation", "must not be empty") }
        jobRunTime = try fields.duration("jobRunTime") ?? jobRunTime
        failureFraction = try fields.fraction("failureFraction") ?? failureFraction
        failureExitCode = try fields.integer("failureExitCode", in: 1...255) ?? failureExitCode
        failureReason = try fields.value(String.self, "failureReason") ?? failureReason
        guard !failureReason.isEmpty else { throw fields.error("failureReason", "must not be empty") }
        failAfter = try fields.duration("failAfter") ?? failAfter
        restartFraction = try fields.fraction("restartFraction") ?? restartFraction
        restartAfter = try fields.duration("restartAfter") ?? restartAfter
        initContainerDuration = try fields.duration("initContainerDuration") ?? initContainerDuration
        maxDeletionGracePeriod = try fields.duration("maxDeletionGracePeriod")
        logLines = try fields.integer("logLines", in: 0...Int.max) ?? logLines
        seed = UInt64(try fields.integer("seed", in: 0...Int.max) ?? 0)
    }
}
