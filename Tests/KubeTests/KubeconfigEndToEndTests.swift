import Foundation
import HTTP
import HTTPClient
import HTTPServer
import Kube
import Loop
import TestSupport
import Testing

/// A kubeconfig written for one of our TLS servers must get a client through: the server's CA,
/// then a client certificate or a bearer token.
@Suite(.timeLimit(.minutes(1))) @LoopActor struct KubeconfigEndToEndTests {
    func startServer(requireClientCertificate: Bool) throws -> HTTPServer {
        let certs = try configCertificates.get()
        var router = Router()
        router.get("/whoami") { request in
            let peer = request.tlsPeer.map { "\($0.commonName ?? "-") \($0.organizations.joined(separator: ","))" }
            return .text("\(peer ?? "anonymous")|\(request.headers["Authorization"] ?? "")")
        }
        var configuration = HTTPServerConfiguration()
        configuration.tls = TLSConfiguration(
            certificateChain: .file(certs.serverCert), privateKey: .file(certs.serverKey), clientCA: .file(certs.caCert),
            requireClientCertificate: requireClientCertificate)
        let server = try HTTPServer(configuration: configuration, router: router)
        try server.start()
        return server
    }

    func kubeconfig(port: Int, user: String) throws -> String {
        let certs = try configCertificates.get()
        let dir = try ConfigDirectory()
        return try dir.write(
            "config",
            """
            apiVersion: v1
            kind: Config
            current-context: e2e
            clusters:
            - name: local
              cluster:
                server: https://127.0.0.1:\(port)
                certificate-authority-data: \(configBase64(try certs.read(certs.caCert)))
            users:
            - name: me
              user:
                \(user)
            contexts:
            - name: e2e
              context: {cluster: local, user: me}
            """)
    }

    func whoami(_ connection: ClusterConnection, authorization: String? = nil) async throws -> String {
        let client = HTTPClient(configuration: connection.httpClientConfiguration())
        defer { client.shutdown() }
        var headers = HTTPHeaders()
        if let authorization { headers.add("Authorization", authorization) }
        let response = try await client.execute(HTTPClientRequest(url: connection.server + "/whoami", headers: headers))
        return response.text
    }

    @Test func clientCertificateFromKubeconfigData() async throws {
        let certs = try configCertificates.get()
        let server = try startServer(requireClientCertificate: true)
        let path = try kubeconfig(
            port: server.port,
            user: "client-certificate-data: \(configBase64(try certs.read(certs.clientCert)))\n    "
                + "client-key-data: \(configBase64(try certs.read(certs.clientKey)))")
        let connection = try loadConfig(kubeconfig: path)
        #expect(connection.credentials == .clientCertificate)
        #expect(try await whoami(connection) == "alice system:masters,dev|")
        await server.stop(gracePeriod: .seconds(1))
    }

    @Test func bearerTokenFromKubeconfig() async throws {
        let server = try startServer(requireClientCertificate: false)
        let connection = try loadConfig(kubeconfig: try kubeconfig(port: server.port, user: "token: secret-token"))
        #expect(try await whoami(connection) == "anonymous|Bearer secret-token")
        await server.stop(gracePeriod: .seconds(1))
    }

    @Test func tokenFileThroughCredentials() async throws {
        let server = try startServer(requireClientCertificate: false)
        let dir = try ConfigDirectory("token")
        let tokenPath = try dir.write("token", "rotating-token\n")
        let connection = try loadConfig(kubeconfig: try kubeconfig(port: server.port, user: "tokenFile: \(tokenPath)"))
        let credentials = Credentials(connection.credentials)
        let header = try await credentials.authorizationHeader()
        #expect(try await whoami(connection, authorization: header) == "anonymous|Bearer rotating-token")
        await server.stop(gracePeriod: .seconds(1))
    }
}
