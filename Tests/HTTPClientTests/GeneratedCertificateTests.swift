import HTTP
import HTTPClient
import HTTPServer
import Loop
import Testing

/// End to end with certificates generated in process (`CertificateAuthority`): our server, our client.
@Suite(.timeLimit(.minutes(1))) @LoopActor struct GeneratedCertificateTests {
    static let authority = Result { try CertificateAuthority.generate(commonName: "node-agent-test-ca") }

    static func whoami() -> Router {
        var router = Router()
        router.get("/whoami") { request in
            guard let peer = request.tlsPeer else { return .text("anonymous") }
            return .text("\(peer.commonName ?? "-") \(peer.organizations.joined(separator: ","))")
        }
        return router
    }

    @Test func mutualTLSIdentifiesGeneratedClients() async throws {
        let ca = try Self.authority.get()
        let serving = try ca.issue(
            CertificateSubject(commonName: "kube-apiserver"), usage: .serverAuth, dnsNames: ["localhost"],
            ipAddresses: ["127.0.0.1", "::1"])
        let server = try ClientTestServer(
            router: Self.whoami(),
            tls: TLSConfiguration(
                certificateChain: .pem(serving.certificatePEM), privateKey: .pem(serving.privateKeyPEM),
                clientCA: .pem(ca.certificatePEM), requireClientCertificate: true))
        let identities = [
            (CertificateSubject(commonName: "admin", organizations: ["system:masters"]), "admin system:masters"),
            (CertificateSubject(commonName: "system:node:worker-1", organizations: ["system:nodes"]), "system:node:worker-1 system:nodes"),
            (CertificateSubject(commonName: "kube-apiserver-kubelet-client", organizations: ["system:masters"]),
             "kube-apiserver-kubelet-client system:masters"),
        ]
        for (subject, expected) in identities {
            let identity = try ca.issue(subject, usage: .clientAuth)
            var configuration = HTTPClientConfiguration()
            configuration.tls = ClientTLSConfiguration(
                certificateAuthority: .pem(ca.certificatePEM), clientCertificate: .pem(identity.certificatePEM),
                clientKey: .pem(identity.privateKeyPEM))
            let client = HTTPClient(configuration: configuration)
            for host in ["127.0.0.1", "localhost"] {
                let response = try await client.execute(HTTPClientRequest(url: server.url("/whoami", host: host)))
                #expect(response.text == expected)
            }
            client.shutdown()
        }

        // A client certificate from another CA is refused.
        let stranger = try CertificateAuthority.generate(commonName: "stranger-ca")
            .issue(CertificateSubject(commonName: "mallory"), usage: .clientAuth)
        var configuration = HTTPClientConfiguration()
        configuration.tls = ClientTLSConfiguration(
            certificateAuthority: .pem(ca.certificatePEM), clientCertificate: .pem(stranger.certificatePEM),
            clientKey: .pem(stranger.privateKeyPEM))
        let refused = HTTPClient(configuration: configuration)
        do {
            _ = try await refused.execute(HTTPClientRequest(url: server.url("/whoami")))
            Issue.record("a client certificate from another CA must be refused")
        } catch {
            #expect([.tls, .transport].contains(error.kind))
        }
        refused.shutdown()
        await server.stop()
    }

    @Test func aClientTrustingASelfSignedCertificateAcceptsIt() async throws {
        let serving = try IssuedCertificate.selfSigned(
            CertificateSubject(commonName: "worker-1"), dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        let server = try ClientTestServer(
            router: Self.whoami(),
            tls: TLSConfiguration(certificateChain: .pem(serving.certificatePEM), privateKey: .pem(serving.privateKeyPEM)))
        var trusting = HTTPClientConfiguration()
        trusting.tls.certificateAuthority = .pem(serving.certificatePEM)
        let client = HTTPClient(configuration: trusting)
        #expect(try await client.execute(HTTPClientRequest(url: server.url("/whoami"))).text == "anonymous")
        #expect(try await client.execute(HTTPClientRequest(url: server.url("/whoami", host: "localhost"))).status == .ok)
        client.shutdown()

        // Trusting another CA instead fails verification.
        var strict = HTTPClientConfiguration()
        strict.tls.certificateAuthority = .pem(try Self.authority.get().certificatePEM)
        let wary = HTTPClient(configuration: strict)
        do {
            _ = try await wary.execute(HTTPClientRequest(url: server.url("/whoami")))
            Issue.record("a self-signed certificate nobody trusts must fail verification")
        } catch {
            #expect(error.kind == .tlsVerify)
        }
        wary.shutdown()
        await server.stop()
    }
}
