import Foundation
import Glibc
import Kube
import TestSupport
import Testing

/// A scratch directory for kubeconfig, token and plugin files.
struct ConfigDirectory {
    let path: String

    init(_ prefix: String = "kubeconfig") throws {
        path = try TemporaryDirectory.make(prefix: prefix).replacingOccurrences(of: "//", with: "/")
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Writes `text` to `name` (creating parent directories) and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Close-on-exec: a process another test starts meanwhile must not inherit the file open for
        // writing, or running the file fails with ETXTBSY for as long as that process lives.
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, executable ? 0o755 : 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target]) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target])
        }
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target) }
        return target
    }

    func read(_ name: String) -> String? { try? String(contentsOfFile: file(name), encoding: .utf8) }

    /// Lines in `name`: how many times a plugin appended to its counter file.
    func lineCount(_ name: String) -> Int { read(name)?.split(separator: "\n").count ?? 0 }
}

/// Certificates are generated once per test run.
let configCertificates: Result<TestCertificates, any Error> = Result { try TestCertificates.make() }

func configBase64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

/// The `description` of the `KubeConfigError` that `body` throws, or nil (recording an issue) if none.
func configError<T>(_ body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    do {
        _ = try body()
    } catch let error as KubeConfigError {
        return error.description
    } catch {
        Issue.record("expected a KubeConfigError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
    Issue.record("expected a KubeConfigError", sourceLocation: sourceLocation)
    return nil
}

/// Loads with nothing from the real machine: an empty environment and home unless given.
func loadConfig(
    kubeconfig: String? = nil, context: String? = nil, environment: [String: String] = [:],
    home: String = "/nonexistent-home", inClusterRoot: String = "/nonexistent-root"
) throws(KubeConfigError) -> ClusterConnection {
    try KubeConfig.load(
        kubeconfigPath: kubeconfig, context: context, environment: environment, homeDirectory: home,
        inClusterRoot: inClusterRoot)
}

/// A minimal valid kubeconfig with one cluster, user and context, all named `name`.
func simpleKubeconfig(name: String, server: String, token: String = "t", currentContext: Bool = true) -> String {
    """
    apiVersion: v1
    kind: Config
    \(currentContext ? "current-context: \(name)" : "")
    clusters:
    - name: \(name)
      cluster:
        server: \(server)
    users:
    - name: \(name)
      user:
        token: \(token)
    contexts:
    - name: \(name)
      context:
        cluster: \(name)
        user: \(name)
    """
}
