import Foundation
import Glibc
import Loop

/// A `CredentialSource` turned into request headers, refreshing what rotates: token files are re-read
/// when they change, exec plugins are re-run when their credential expires or after `invalidate()`.
@LoopActor
public final class Credentials {
    public let source: CredentialSource
    private let clock: any LoopClock
    private let environment: [String: String]
    private let now: @Sendable () -> Date

    // Token file: the token, the stat identity it was read at, and when the file was last checked.
    private var fileToken: String?
    private var fileIdentity: FileIdentity?
    private var lastFileCheck: LoopInstant?

    // Exec plugin: the cached result and the one execution callers share while it runs.
    private var cached: ExecCredentialResult?
    private var inFlight: Task<ExecCredentialResult, any Error>?
    private var generation = 0

    /// How often a token file is stat'ed at most; the kubelet rotates tokens long before they expire.
    public static let tokenFileCheckInterval: Duration = .seconds(1)

    /// `environment` is the base environment of exec plugins (and their PATH); `now` dates expiries.
    public init(
        _ source: CredentialSource, clock: (any LoopClock)? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.source = source
        self.clock = clock ?? UVClock.shared
        self.environment = environment
        self.now = now
    }

    /// The `Authorization` header value for the next request, or nil when the source sends none
    /// (no credentials, client certificates, an exec plugin that returned only a certificate).
    public func authorizationHeader() async throws -> String? {
        switch source {
        case .none, .clientCertificate:
            return nil
        case .token(let token):
            return "Bearer \(token)"
        case .basic(let username, let password):
            return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        case .tokenFile(let path):
            return "Bearer \(try token(fromFile: path))"
        case .exec:
            return try await execCredential()?.token.map { "Bearer \($0)" }
        }
    }

    /// Forgets cached credentials so the next call re-reads or re-runs: call it on a 401.
    public func invalidate() {
        fileToken = nil
        fileIdentity = nil
        lastFileCheck = nil
        cached = nil
        // A run already under way may have started with stale inputs: its result is not cached.
        generation += 1
        inFlight = nil
    }

    /// The exec plugin's current credential (cached until it expires); nil for other sources.
    public func execCredential() async throws -> ExecCredentialResult? {
        guard case .exec(let config) = source else { return nil }
        if let cached, !isExpired(cached) { return cached }
        if let inFlight { return try await inFlight.value }
        let environment = self.environment
        let generation = self.generation
        // Created and stored without a suspension in between, so it cannot finish before it is stored.
        let task = Task { @LoopActor [weak self] in
            let outcome = await ExecPlugin.run(config, environment: environment)
            if let self, self.generation == generation {
                self.inFlight = nil
                if case .success(let result) = outcome { self.cached = result }
            }
            return try outcome.get()
        }
        inFlight = task
        return try await task.value
    }

    private func isExpired(_ result: ExecCredentialResult) -> Bool {
        guard let expiration = result.expiration else { return false }
        return now() >= expiration
    }

    private func token(fromFile path: String) throws(CredentialError) -> String {
        let instant = clock.now
        if let fileToken, let lastFileCheck, instant.duration(since: lastFileCheck) < Self.tokenFileCheckInterval {
            return fileToken
        }
        lastFileCheck = instant
        let identity = try FileIdentity(path: path)
        if let fileToken, identity == fileIdentity { return fileToken }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CredentialError("token file \(path) cannot be read")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw CredentialError("token file \(path) is empty") }
        fileToken = token
        fileIdentity = identity
        return token
    }
}

/// What tells a rewritten file apart: the kubelet swaps a symlink (new inode), editors rewrite in place
/// (new mtime, maybe same second, hence nanoseconds and size too).
private struct FileIdentity: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var seconds: Int
    var nanoseconds: Int

    init(path: String) throws(CredentialError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CredentialError("token file \(path): \(String(cString: strerror(errno)))")
        }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        seconds = info.st_mtim.tv_sec
        nanoseconds = info.st_mtim.tv_nsec
    }
}
