import Foundation
import HTTP
import HTTPClient
import Loop

/// What an exec credential plugin returned.
public struct ExecCredentialResult: Sendable, Equatable {
    public var token: String?
    /// PEM text, when the plugin authenticates with a client certificate instead of (or besides) a token.
    public var clientCertificateData: String?
    public var clientKeyData: String?
    /// Nil: valid until `Credentials.invalidate()`.
    public var expiration: Date?

    public init(token: String? = nil, clientCertificateData: String? = nil, clientKeyData: String? = nil, expiration: Date? = nil) {
        self.token = token
        self.clientCertificateData = clientCertificateData
        self.clientKeyData = clientKeyData
        self.expiration = expiration
    }

    /// `tls` with the plugin's client certificate, if it returned one: for rebuilding the HTTP client.
    public func applying(to tls: ClientTLSConfiguration) -> ClientTLSConfiguration {
        guard let clientCertificateData, let clientKeyData else { return tls }
        var tls = tls
        tls.clientCertificate = .pem(clientCertificateData)
        tls.clientKey = .pem(clientKeyData)
        return tls
    }
}

/// A credential that could not be obtained at request time (token file, exec plugin).
public struct CredentialError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs client.authentication.k8s.io exec plugins. The process blocks, so it runs on a thread of its own,
/// never on the loop thread nor the cooperative pool.
enum ExecPlugin {
    static let supportedAPIVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    static func run(_ config: ExecConfig, environment: [String: String]) async -> Result<ExecCredentialResult, CredentialError> {
        await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: Result { () throws(CredentialError) in
                    try runBlocking(config, environment: environment)
                })
            }.start()
        }
    }

    /// The `KUBERNETES_EXEC_INFO` value: we never have a terminal, so `interactive` is always false.
    static func inputJSON(for config: ExecConfig) -> String {
        struct Input: Encodable {
            struct Spec: Encodable {
                var interactive: Bool
                var cluster: ExecClusterInfo?
            }
            var apiVersion: String
            var kind = "ExecCredential"
            var spec: Spec
        }
        let input = Input(apiVersion: config.apiVersion, spec: .init(interactive: false, cluster: config.cluster))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings and booleans cannot fail.
        return String(decoding: (try? encoder.encode(input)) ?? Data(), as: UTF8.self)
    }

    static func runBlocking(_ config: ExecConfig, environment: [String: String]) throws(CredentialError) -> ExecCredentialResult {
        let name = (config.command as NSString).lastPathComponent
        let hint = config.installHint.map { "\n\($0)" } ?? ""
        guard let executable = locate(config.command, path: environment["PATH"]) else {
            throw CredentialError("exec plugin: executable \"\(config.command)\" not found\(hint)")
        }
        var processEnvironment = environment
        for variable in config.env { processEnvironment[variable.name] = variable.value }
        processEnvironment["KUBERNETES_EXEC_INFO"] = inputJSON(for: config)

        var process = Process()
        var waitForExit: () -> Void = {}
        let output = Pipe()
        let errors = Pipe()
        // A plugin binary that was just written or is being replaced can fail to start for a moment
        // ("text file busy" while another thread's fork still holds it open for writing): retry briefly.
        for attempt in 1...3 {
            process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = config.args
            process.environment = processEnvironment
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = output
            process.standardError = errors
            do {
                waitForExit = try process.launchForWaiting()
                break
            } catch where attempt < 3 {
                usleep(50_000)
            } catch {
                throw CredentialError("exec plugin \(name): cannot start \(executable): \(error.localizedDescription)\(hint)")
            }
        }
        // Drain stderr concurrently: a plugin that fills one pipe while we read the other would deadlock.
        let stderrData = Locked(Data())
        let stderrDone = DispatchSemaphore(value: 0)
        let stderrHandle = errors.fileHandleForReading
        Thread {
            let data = stderrHandle.readDataToEndOfFile()
            stderrData.withLock { $0 = data }
            stderrDone.signal()
        }.start()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        stderrDone.wait()
        waitForExit()

        guard process.terminationStatus == 0 else {
            let stderr = String(decoding: stderrData.withLock { $0 }.suffix(4096), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let how = process.terminationReason == .uncaughtSignal ? "was killed by signal" : "exited with status"
            throw CredentialError(
                "exec plugin \(name) \(how) \(process.terminationStatus)"
                    + (stderr.isEmpty ? "" : ": \(stderr)") + hint)
        }
        return try parse(stdout, config: config)
    }

    static func parse(_ stdout: Data, config: ExecConfig) throws(CredentialError) -> ExecCredentialResult {
        struct Output: Decodable {
            struct Status: Decodable {
                var token: String?
                var clientCertificateData: String?
                var clientKeyData: String?
                var expirationTimestamp: String?
            }
            var apiVersion: String?
            var kind: String?
            var status: Status?
        }
        let name = (config.command as NSString).lastPathComponent
        func fail(_ message: String) -> CredentialError { CredentialError("exec plugin \(name): \(message)") }
        let output: Output
        do {
            output = try JSONDecoder().decode(Output.self, from: stdout)
        } catch {
            throw fail("output is not an ExecCredential JSON object (\(KubeConfig.describe(error)))")
        }
        guard output.kind == "ExecCredential" else { throw fail("output kind is \"\(output.kind ?? "")\", not ExecCredential") }
        guard output.apiVersion == config.apiVersion else {
            throw fail("output apiVersion is \"\(output.apiVersion ?? "")\", expected \"\(config.apiVersion)\"")
        }
        guard let status = output.status else { throw fail("output has no status") }
        let token = status.token.flatMap { $0.isEmpty ? nil : $0 }
        let certificate = status.clientCertificateData.flatMap { $0.isEmpty ? nil : $0 }
        let key = status.clientKeyData.flatMap { $0.isEmpty ? nil : $0 }
        if (certificate == nil) != (key == nil) {
            throw fail("status must set both clientCertificateData and clientKeyData, or neither")
        }
        guard token != nil || certificate != nil else { throw fail("status has neither a token nor a client certificate") }
        var expiration: Date?
        if let timestamp = status.expirationTimestamp, !timestamp.isEmpty {
            guard let date = parseRFC3339(timestamp) else {
                throw fail("status.expirationTimestamp \"\(timestamp)\" is not an RFC 3339 time")
            }
            expiration = date
        }
        return ExecCredentialResult(token: token, clientCertificateData: certificate, clientKeyData: key, expiration: expiration)
    }

    static func parseRFC3339(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// A command with a slash is a path; a bare name is searched in PATH, like a shell.
    static func locate(_ command: String, path: String?) -> String? {
        let files = FileManager.default
        if command.contains("/") { return files.isExecutableFile(atPath: command) ? command : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(command)"
            if files.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
