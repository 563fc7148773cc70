import ControlPlane
import Foundation
import HTTP
import HTTPClient
import HTTPServer
import Kube
import Loop
import TestSupport
import Testing

/// Certificates are generated once per test run.
let harnessCertificates: Result<TestCertificates, any Error> = Result { try TestCertificates.make() }

/// An embedded API server on a free port, a kubeconfig for it, and kubectl.
@LoopActor
final class Harness {
    let server: APIServer
    nonisolated let directory: String
    nonisolated let kubeconfig: String
    let certificates: TestCertificates

    nonisolated static let adminToken = "admin-token-for-tests"

    init(configure: (inout APIServerConfiguration) -> Void = { _ in }) throws {
        certificates = try harnessCertificates.get()
        var configuration = APIServerConfiguration(
            tls: TLSConfiguration(
                certificateChain: .file(certificates.serverCert), privateKey: .file(certificates.serverKey),
                clientCA: .file(certificates.caCert), requireClientCertificate: false))
        configuration.tokens = [Self.adminToken: .admin]
        configure(&configuration)
        server = APIServer(configuration: configuration)
        try server.start()
        directory = try TemporaryDirectory.make(prefix: "controlplane")
        kubeconfig = directory + "/kubeconfig"
        let text = KubeconfigText.make(
            server: "https://127.0.0.1:\(server.port)", certificateAuthorityPEM: try certificates.read(certificates.caCert),
            clientCertificatePEM: try certificates.read(certificates.clientCert),
            clientKeyPEM: try certificates.read(certificates.clientKey))
        try text.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
    }

    func stop() async { await server.stop() }

    var url: String { "https://127.0.0.1:\(server.port)" }

    /// Runs kubectl (with its own cache directory) and returns its exit status and output.
    nonisolated func kubectl(_ arguments: [String], stdin: String? = nil, kubectl: String = "/usr/bin/kubectl")
        async throws -> ProcessResult
    {
        let config = kubeconfig
        let cache = directory + "/cache"
        return try await run(kubectl, ["--kubeconfig", config, "--cache-dir", cache] + arguments, stdin: stdin)
    }

    /// An HTTP client authenticated as the admin (bearer token) that trusts the server's CA.
    nonisolated func adminClient() -> HTTPClient {
        var configuration = HTTPClientConfiguration()
        configuration.tls = ClientTLSConfiguration(certificateAuthority: .file(certificates.caCert))
        configuration.bearerToken = Self.adminToken
        return HTTPClient(configuration: configuration)
    }

    /// Writes `text` to a file in the harness directory.
    func file(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// A kubectl left running (`get -w`), its output collected as it arrives, stopped by the test.
final class BackgroundKubectl: Sendable {
    private let process: Process
    private let pipe = Pipe()
    private let collected = Locked("")

    @LoopActor init(_ harness: Harness, _ arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
        process.arguments = ["--kubeconfig", harness.kubeconfig, "--cache-dir", harness.directory + "/cache"] + arguments
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        let collected = collected
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            collected.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    var output: String { collected.withLock { $0 } }

    func stop() {
        pipe.fileHandleForReading.readabilityHandler = nil
        process.terminate()
    }
}

/// Requests to the harness as the admin: status, JSON body (null when not JSON) and text.
@LoopActor
final class AdminAPI {
    let client: HTTPClient
    let base: String

    init(_ harness: Harness) {
        client = harness.adminClient()
        base = harness.url
    }

    func send(_ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String = "application/json")
        async throws -> (status: Int, body: JSONValue, text: String)
    {
        try await send(method, path, bytes: body.map { Array($0.utf8) }, contentType: contentType)
    }

    func send(_ method: HTTPMethod, _ path: String, bytes: [UInt8]?, contentType: String = "application/json")
        async throws -> (status: Int, body: JSONValue, text: String)
    {
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if bytes != nil { headers.set("Content-Type", contentType) }
        let response = try await client.execute(HTTPClientRequest(method: method, url: base + path, headers: headers, body: bytes))
        return (response.status.code, (try? JSONValue(parsing: response.body)) ?? .null, response.text)
    }
}
