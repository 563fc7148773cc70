import Kube
import Loop
import NodeAgent
import TestSupport

/// A provider with no optional capability: no logs, no stats.
@LoopActor
class BareProvider: Provider {
    func start(nodes: [String], events: ProviderEvents) async throws {}
    func node(named node: String) async throws -> ProviderNode { ProviderNode(capacity: [:]) }
    func createPod(_ pod: Pod, on node: String) async throws {}
    func updatePod(_ pod: Pod, on node: String) async throws {}
    func deletePod(_ pod: Pod, on node: String) async throws {}
    func pod(namespace: String, name: String) async throws -> Pod? { nil }
    func pods() async throws -> [ProviderPod] { [] }
}

/// Logs the test writes itself: it records each request's options and hands the test the stream's
/// continuation, and tells when the kubelet API stopped reading (the stream was terminated).
@LoopActor
final class ScriptedLogsProvider: BareProvider, PodLogsProvider {
    private(set) var requests: [LogOptions] = []
    private(set) var continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation?
    /// Thrown by the next `logs` call instead of answering.
    var failure: ProviderError?
    /// Opens when a log stream is handed out.
    let opened = Gate()
    /// Opens when a stream ends; `cancelled` says whether its reader cancelled it.
    let terminated = Gate()
    let cancelled = Locked<Bool?>(nil)

    func logs(namespace: String, pod: String, container: String, options: LogOptions) async throws
        -> AsyncThrowingStream<[UInt8], any Error>
    {
        requests.append(options)
        if let failure { throw failure }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
        continuation.onTermination = { [terminated, cancelled] reason in
            if case .cancelled = reason { cancelled.withLock { $0 = true } } else { cancelled.withLock { $0 = false } }
            terminated.open()
        }
        self.continuation = continuation
        opened.open()
        return stream
    }

    func write(_ text: String) { continuation?.yield(Array(text.utf8)) }
}

/// Stats the test fixes, or a failure.
@LoopActor
final class FixedStatsProvider: BareProvider, PodStatsProvider {
    var summary: StatsSummary?
    private(set) var askedFor: [String] = []

    func statsSummary(node: String) async throws -> StatsSummary {
        askedFor.append(node)
        guard var summary else { throw ProviderError.failed("stats are unavailable") }
        summary.node.nodeName = node
        return summary
    }
}

/// A reviewer that answers from tables and records what it was asked.
@LoopActor
final class RecordingReviewer: KubeletReviewer {
    struct Question: Equatable {
        var user: String
        var groups: [String]
        var verb: String
        var subresource: String
        var node: String
    }

    var users: [String: UserInfo] = [:]
    /// Who may do what: "user verb subresource node".
    var allowed: Set<String> = []
    var failing = false
    private(set) var questions: [Question] = []

    struct Outage: Error, CustomStringConvertible {
        var description: String { "the API server is unreachable" }
    }

    func authenticate(token: String) async throws -> UserInfo? {
        if failing { throw Outage() }
        return users[token]
    }

    func authorize(user: String, groups: [String], verb: String, subresource: String, node: String) async throws -> Bool {
        questions.append(Question(user: user, groups: groups, verb: verb, subresource: subresource, node: node))
        if failing { throw Outage() }
        return allowed.contains("\(user) \(verb) \(subresource) \(node)")
    }
}
