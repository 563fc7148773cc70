import Foundation
import HTTPClient
import Kube
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) @LoopActor struct CredentialTests {
    static let v1 = "client.authentication.k8s.io/v1"
    static let v1beta1 = "client.authentication.k8s.io/v1beta1"

    /// The error text `authorizationHeader()` fails with, or nil.
    func failure(_ credentials: Credentials) async -> String? {
        do {
            _ = try await credentials.authorizationHeader()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func staticSources() async throws {
        #expect(try await Credentials(.none).authorizationHeader() == nil)
        #expect(try await Credentials(.clientCertificate).authorizationHeader() == nil)
        #expect(try await Credentials(.token("abc")).authorizationHeader() == "Bearer abc")
        let basic = Credentials(.basic(username: "bob", password: "secret"))
        #expect(try await basic.authorizationHeader() == "Basic Ym9iOnNlY3JldA==")
    }

    @Test func tokenFileFollowsRotation() async throws {
        let dir = try ConfigDirectory("token")
        let path = try dir.write("token", "one\n")
        let clock = ManualClock()
        let credentials = Credentials(.tokenFile(path), clock: clock)
        #expect(try await credentials.authorizationHeader() == "Bearer one")

        // Rewritten in place: noticed at the next check, at most once per second.
        try dir.write("token", "two")
        clock.advance(by: .milliseconds(500))
        #expect(try await credentials.authorizationHeader() == "Bearer one")
        clock.advance(by: .milliseconds(500))
        #expect(try await credentials.authorizationHeader() == "Bearer two")

        // Replaced by rename, as the kubelet's atomic writer does (a new inode, same size and second).
        let staged = try dir.write("staged", "tw0")
        #expect(rename(staged, path) == 0)
        clock.advance(by: .seconds(1))
        #expect(try await credentials.authorizationHeader() == "Bearer tw0")

        // invalidate() (after a 401) re-reads at once.
        try dir.write("token", "three")
        credentials.invalidate()
        #expect(try await credentials.authorizationHeader() == "Bearer three")

        try FileManager.default.removeItem(atPath: path)
        clock.advance(by: .seconds(1))
        #expect(await failure(credentials) == "token file \(path): No such file or directory")
    }

    // MARK: exec plugins

    /// A plugin that counts its runs, records what it was given, and prints `output.json`
    /// (or, when a `fail` file exists, prints it to stderr and exits 3).
    func plugin(apiVersion: String = v1, cluster: ExecClusterInfo? = nil) throws -> (ConfigDirectory, Credentials) {
        let dir = try ConfigDirectory("exec")
        let script = """
            #!/bin/sh
            echo run >> "$PLUGIN_DIR/count"
            printf '%s' "$KUBERNETES_EXEC_INFO" > "$PLUGIN_DIR/info"
            printf '%s\\n' "$@" > "$PLUGIN_DIR/args"
            printf '%s' "$PROFILE" > "$PLUGIN_DIR/profile"
            if [ -f "$PLUGIN_DIR/delay" ]; then sleep "$(cat "$PLUGIN_DIR/delay")"; fi
            if [ -f "$PLUGIN_DIR/fail" ]; then cat "$PLUGIN_DIR/fail" >&2; exit 3; fi
            cat "$PLUGIN_DIR/output.json"
            """
        try dir.write("bin/get-token", script, executable: true)
        let config = ExecConfig(
            apiVersion: apiVersion, command: "get-token", args: ["--region", "eu west"],
            env: [.init(name: "PLUGIN_DIR", value: dir.path), .init(name: "PROFILE", value: "prod")],
            installHint: "Install get-token from the internal wiki.", provideClusterInfo: cluster != nil,
            cluster: cluster)
        // The bare command name is found through PATH.
        return (dir, Credentials(.exec(config), environment: ["PATH": "/usr/bin:/bin:\(dir.file("bin"))"]))
    }

    func output(
        _ dir: ConfigDirectory, apiVersion: String = v1, token: String? = nil, expiresIn: TimeInterval? = nil,
        certificate: String? = nil, key: String? = nil
    ) throws {
        var status: [String: String] = [:]
        status["token"] = token
        status["clientCertificateData"] = certificate
        status["clientKeyData"] = key
        if let expiresIn {
            status["expirationTimestamp"] = ISO8601DateFormatter().string(from: Date(timeIntervalSinceNow: expiresIn))
        }
        let object: [String: Any] = ["apiVersion": apiVersion, "kind": "ExecCredential", "status": status]
        let data = try JSONSerialization.data(withJSONObject: object)
        try dir.write("output.json", String(decoding: data, as: UTF8.self))
    }

    @Test func execV1TokenIsCachedUntilInvalidated() async throws {
        let (dir, credentials) = try plugin()
        try output(dir, token: "tok-1")
        #expect(try await credentials.authorizationHeader() == "Bearer tok-1")
        #expect(try await credentials.authorizationHeader() == "Bearer tok-1")
        #expect(dir.lineCount("count") == 1)
        #expect(dir.read("info") == #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}"#)
        #expect(dir.read("args") == "--region\neu west\n")
        #expect(dir.read("profile") == "prod")

        try output(dir, token: "tok-2")
        credentials.invalidate()
        #expect(try await credentials.authorizationHeader() == "Bearer tok-2")
        #expect(dir.lineCount("count") == 2)
    }

    @Test func execV1beta1IsCachedUntilItsExpiry() async throws {
        let (dir, credentials) = try plugin(apiVersion: Self.v1beta1)
        try output(dir, apiVersion: Self.v1beta1, token: "fresh", expiresIn: 3600)
        #expect(try await credentials.authorizationHeader() == "Bearer fresh")
        #expect(try await credentials.authorizationHeader() == "Bearer fresh")
        #expect(dir.lineCount("count") == 1)
        #expect(try await credentials.execCredential()?.expiration.map { $0 > Date() } == true)

        // An expired credential is used once, then fetched again on every call.
        try output(dir, apiVersion: Self.v1beta1, token: "stale", expiresIn: -60)
        credentials.invalidate()
        #expect(try await credentials.authorizationHeader() == "Bearer stale")
        #expect(try await credentials.authorizationHeader() == "Bearer stale")
        #expect(dir.lineCount("count") == 3)
    }

    @Test func execGetsClusterInfoWhenAsked() async throws {
        let cluster = ExecClusterInfo(
            server: "https://10.0.0.1:6443", tlsServerName: "api", certificateAuthorityData: configBase64("ca"))
        let (dir, credentials) = try plugin(cluster: cluster)
        try output(dir, token: "t")
        _ = try await credentials.authorizationHeader()
        let info = try #require(dir.read("info"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(info.utf8)) as? [String: Any])
        let spec = try #require(object["spec"] as? [String: Any])
        #expect(spec["interactive"] as? Bool == false)
        let sent = try #require(spec["cluster"] as? [String: Any])
        #expect(sent["server"] as? String == "https://10.0.0.1:6443")
        #expect(sent["tls-server-name"] as? String == "api")
        #expect(sent["insecure-skip-tls-verify"] as? Bool == false)
        #expect(sent["certificate-authority-data"] as? String == configBase64("ca"))
    }

    @Test func execClientCertificateIsExposed() async throws {
        let (dir, credentials) = try plugin()
        try output(dir, certificate: "CERT PEM", key: "KEY PEM")
        #expect(try await credentials.authorizationHeader() == nil)
        let result = try #require(try await credentials.execCredential())
        #expect(result.clientCertificateData == "CERT PEM")
        #expect(result.clientKeyData == "KEY PEM")
        let tls = result.applying(to: ClientTLSConfiguration(certificateAuthority: .file("/ca")))
        #expect(tls == ClientTLSConfiguration(certificateAuthority: .file("/ca"), clientCertificate: .pem("CERT PEM"), clientKey: .pem("KEY PEM")))
        #expect(dir.lineCount("count") == 1)
    }

    @Test func concurrentCallersShareOneRun() async throws {
        let (dir, credentials) = try plugin()
        try output(dir, token: "shared")
        try dir.write("delay", "0.3")
        let tasks = (0..<4).map { _ in Task { @LoopActor in try await credentials.authorizationHeader() } }
        var headers: [String?] = []
        for task in tasks { headers.append(try await task.value) }
        #expect(headers == Array(repeating: "Bearer shared", count: 4))
        #expect(dir.lineCount("count") == 1)
    }

    @Test func execFailuresAreExplained() async throws {
        let (dir, credentials) = try plugin()
        try dir.write("fail", "error: refresh token expired\n\n")
        #expect(
            await failure(credentials)
                == "exec plugin get-token exited with status 3: error: refresh token expired\nInstall get-token from the internal wiki.")
        try FileManager.default.removeItem(atPath: dir.file("fail"))

        try output(dir, apiVersion: Self.v1beta1, token: "t")
        #expect(
            await failure(credentials)
                == "exec plugin get-token: output apiVersion is \"\(Self.v1beta1)\", expected \"\(Self.v1)\"")

        try dir.write("output.json", "Please log in first")
        #expect(await failure(credentials)?.hasPrefix("exec plugin get-token: output is not an ExecCredential JSON object") == true)

        try output(dir)
        #expect(await failure(credentials) == "exec plugin get-token: status has neither a token nor a client certificate")
        // Failures are not cached: the plugin ran each time.
        #expect(dir.lineCount("count") == 4)
    }

    @Test func missingPluginQuotesTheInstallHint() async throws {
        let config = ExecConfig(apiVersion: Self.v1, command: "no-such-plugin", installHint: "brew install it")
        let credentials = Credentials(.exec(config), environment: ["PATH": "/nonexistent"])
        #expect(await failure(credentials) == "exec plugin: executable \"no-such-plugin\" not found\nbrew install it")
    }
}
