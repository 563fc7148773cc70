import HTTP
import HTTPClient
import HTTPServer
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) @LoopActor struct TLSClientTests {
    static let certificates = Result { try TestCertificates.make() }

    static func peerRouter() -> Router {
        var router = Router()
        router.get("/whoami") { request in
            guard let peer = request.tlsPeer else { return .text("anonymous") }
            return .text("\(peer.commonName ?? "-") \(peer.organizations.joined(separator: ","))")
        }
        return router
    }

    func server(requireClientCertificate: Bool) throws -> ClientTestServer {
        let certs = try Self.certificates.get()
        return try ClientTestServer(
            router: Self.peerRouter(),
            tls: TLSConfiguration(
                certificateChain: .file(certs.serverCert), privateKey: .file(certs.serverKey),
                clientCA: .file(certs.caCert), requireClientCertificate: requireClientCertificate))
    }

    @Test func verifiesTheServerWithACAFileOrPEM() async throws {
        let certs = try Self.certificates.get()
        let server = try server(requireClientCertificate: false)
        for ca in [PEMSource.file(certs.caCert), .pem(try certs.read(certs.caCert))] {
            var configuration = HTTPClientConfiguration()
            configuration.tls.certificateAuthority = ca
            let client = HTTPClient(configuration: configuration)
            let response = try await client.execute(HTTPClientRequest(url: server.url("/whoami")))
            #expect(response.text == "anonymous")
            // The certificate names 127.0.0.1 and localhost; both verify.
            let byName = try await client.execute(HTTPClientRequest(url: server.url("/whoami", host: "localhost")))
            #expect(byName.status == .ok)
            client.shutdown()
        }
        await server.stop()
    }

    @Test func presentsAClientCertificateFromFilesOrPEM() async throws {
        let certs = try Self.certificates.get()
        let server = try server(requireClientCertificate: true)
        let sources: [(PEMSource, PEMSource)] = [
            (.file(certs.clientCert), .file(certs.clientKey)),
            (.pem(try certs.read(certs.clientCert)), .pem(try certs.read(certs.clientKey))),
        ]
        for (cert, key) in sources {
            var configuration = HTTPClientConfiguration()
            configuration.tls = ClientTLSConfiguration(
                certificateAuthority: .file(certs.caCert), clientCertificate: cert, clientKey: key)
            let client = HTTPClient(configuration: configuration)
            let response = try await client.execute(HTTPClientRequest(url: server.url("/whoami")))
            #expect(response.text == "alice system:masters,dev")
            client.shutdown()
        }
        await server.stop()
    }

    @Test func untrustedServerFailsVerificationUnlessSkipped() async throws {
        let certs = try Self.certificates.get()
        let server = try server(requireClientCertificate: false)
        var strict = HTTPClientConfiguration()
        strict.tls.certificateAuthority = .file(certs.otherCACert)
        let client = HTTPClient(configuration: strict)
        do {
            _ = try await client.execute(HTTPClientRequest(url: server.url("/whoami")))
            Issue.record("an untrusted server must fail verification")
        } catch {
            #expect(error.kind == .tlsVerify)
            #expect(error.message.contains("TLS verification failed"))
        }
        client.shutdown()

        var insecure = HTTPClientConfiguration()
        insecure.tls.insecureSkipVerify = true
        let trusting = HTTPClient(configuration: insecure)
        #expect(try await trusting.execute(HTTPClientRequest(url: server.url("/whoami"))).status == .ok)
        trusting.shutdown()
        await server.stop()
    }

    @Test func serverRejectingTheClientIsATLSError() async throws {
        let certs = try Self.certificates.get()
        let server = try server(requireClientCertificate: true)
        var configuration = HTTPClientConfiguration()
        configuration.tls = ClientTLSConfiguration(
            certificateAuthority: .file(certs.caCert), clientCertificate: .file(certs.strangerCert),
            clientKey: .file(certs.strangerKey))
        let client = HTTPClient(configuration: configuration)
        do {
            _ = try await client.execute(HTTPClientRequest(url: server.url("/whoami")))
            Issue.record("a certificate from another CA must be rejected")
        } catch {
            #expect([.tls, .transport].contains(error.kind))
        }
        client.shutdown()

        var missingKey = HTTPClientConfiguration()
        missingKey.tls = ClientTLSConfiguration(
            certificateAuthority: .file(certs.caCert), clientCertificate: .file(certs.clientCert),
            clientKey: .file(certs.directory + "/no-such.key"))
        let broken = HTTPClient(configuration: missingKey)
        do {
            _ = try await broken.execute(HTTPClientRequest(url: server.url("/whoami")))
            Issue.record("a missing key file must fail")
        } catch {
            #expect(error.kind == .tls)
        }
        broken.shutdown()
        await server.stop()
    }

    /// kubeconfig `tls-server-name`: the certificate is checked against that name while the
    /// connection still goes to the URL's address.
    @Test func serverNameOverridesTheNameVerified() async throws {
        let certs = try Self.certificates.get()
        let server = try server(requireClientCertificate: false)
        for (name, trusted) in [("localhost", true), ("wrong.example", false)] {
            var configuration = HTTPClientConfiguration()
            configuration.tls.certificateAuthority = .file(certs.caCert)
            configuration.tls.serverName = name
            let client = HTTPClient(configuration: configuration)
            do {
                let response = try await client.execute(HTTPClientRequest(url: server.url("/whoami")))
                #expect(trusted && response.status == .ok)
            } catch {
                #expect(!trusted && error.kind == .tlsVerify)
            }
            client.shutdown()
        }
        await server.stop()
    }
}
