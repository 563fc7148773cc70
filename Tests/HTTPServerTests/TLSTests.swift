import Foundation
import HTTP
import HTTPServer
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct TLSTests {
    @LoopActor
    static func start(
        _ certs: TestCertificates, clientCA: Bool = false, require: Bool = false, pem: Bool = false
    ) throws -> (HTTPServer, Counter) {
        let calls = Counter()
        var router = Router()
        router.get("/whoami") { request in
            calls.increment()
            guard let peer = request.tlsPeer else { return .text("peer=nil") }
            return .text("cn=\(peer.commonName ?? "-") o=\(peer.organizations.joined(separator: ","))")
        }
        let source: (String) throws -> PEMSource = { path in pem ? .pem(try certs.read(path)) : .file(path) }
        let tls = TLSConfiguration(
            certificateChain: try source(certs.serverCert), privateKey: try source(certs.serverKey),
            clientCA: clientCA ? try source(certs.caCert) : nil, requireClientCertificate: require)
        return (try startServer(router) { $0.tls = tls }, calls)
    }

    @Test @LoopActor func httpsGetWithTheServingCA() async throws {
        let certs = try sharedCertificates.get()
        let (server, _) = try Self.start(certs)
        let result = try await curl(["--cacert", certs.caCert, "https://127.0.0.1:\(server.port)/whoami"])
        #expect(result.exitCode == 0, "\(result.errors)")
        #expect(result.output == "peer=nil")
        // Keep-alive over TLS: two URLs on one connection.
        let twice = try await curl([
            "--cacert", certs.caCert, "https://localhost:\(server.port)/whoami", "https://localhost:\(server.port)/whoami",
        ])
        #expect(twice.output == "peer=nilpeer=nil", "\(twice.errors)")
        await server.stop()
        #expect(server.connectionCount == 0)
    }

    @Test @LoopActor func pemStringsWorkLikeFiles() async throws {
        let certs = try sharedCertificates.get()
        let (server, _) = try Self.start(certs, clientCA: true, require: true, pem: true)
        let result = try await curl([
            "--cacert", certs.caCert, "--cert", certs.clientCert, "--key", certs.clientKey,
            "https://127.0.0.1:\(server.port)/whoami",
        ])
        #expect(result.output == "cn=alice o=system:masters,dev", "\(result.errors)")
        await server.stop()
    }

    @Test @LoopActor func aPEMChainSendsItsExtraCertificates() async throws {
        let certs = try sharedCertificates.get()
        var router = Router()
        router.get("/") { _ in .text("chained") }
        // Leaf first, then the CA as an extra chain certificate.
        let chain = try certs.read(certs.serverCert) + certs.read(certs.caCert)
        let key = try certs.read(certs.serverKey)
        let server = try startServer(router) {
            $0.tls = TLSConfiguration(certificateChain: .pem(chain), privateKey: .pem(key))
        }
        let port = server.port
        let result = try await offLoop { () -> String in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["s_client", "-connect", "127.0.0.1:\(port)", "-showcerts"]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            let waitForExit = try process.launchForWaiting()
            input.fileHandleForWriting.closeFile()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            waitForExit()
            return text
        }
        #expect(result.components(separatedBy: "-----BEGIN CERTIFICATE-----").count == 3)
        let fetched = try await curl(["--cacert", certs.caCert, "https://127.0.0.1:\(server.port)/"])
        #expect(fetched.output == "chained", "\(fetched.errors)")
        await server.stop()
    }

    @Test @LoopActor func mutualTLSIdentifiesTheClient() async throws {
        let certs = try sharedCertificates.get()
        let (server, _) = try Self.start(certs, clientCA: true, require: true)
        let result = try await curl([
            "--http1.1", "--cacert", certs.caCert, "--cert", certs.clientCert, "--key", certs.clientKey,
            "https://127.0.0.1:\(server.port)/whoami",
        ])
        #expect(result.exitCode == 0, "\(result.errors)")
        #expect(result.output == "cn=\(TestCertificates.clientCommonName) o=\(TestCertificates.clientOrganizations.joined(separator: ","))")
        await server.stop()
    }

    @Test @LoopActor func aRequiredClientCertificateMustBePresentAndTrusted() async throws {
        let certs = try sharedCertificates.get()
        let (server, calls) = try Self.start(certs, clientCA: true, require: true)
        let none = try await curl(["--cacert", certs.caCert, "https://127.0.0.1:\(server.port)/whoami"])
        #expect(none.exitCode != 0)
        #expect(none.output.isEmpty)
        let stranger = try await curl([
            "--cacert", certs.caCert, "--cert", certs.strangerCert, "--key", certs.strangerKey,
            "https://127.0.0.1:\(server.port)/whoami",
        ])
        #expect(stranger.exitCode != 0)
        #expect(stranger.output.isEmpty)
        #expect(calls.count == 0)
        #expect(await eventually { server.connectionCount == 0 })
        // The server is still fine for a good client.
        let good = try await curl([
            "--cacert", certs.caCert, "--cert", certs.clientCert, "--key", certs.clientKey,
            "https://127.0.0.1:\(server.port)/whoami",
        ])
        #expect(good.output.hasPrefix("cn=alice"), "\(good.errors)")
        await server.stop()
    }

    @Test @LoopActor func optionalClientCertificates() async throws {
        let certs = try sharedCertificates.get()
        let (server, _) = try Self.start(certs, clientCA: true, require: false)
        let anonymous = try await curl(["--cacert", certs.caCert, "https://127.0.0.1:\(server.port)/whoami"])
        #expect(anonymous.output == "peer=nil", "\(anonymous.errors)")
        let alice = try await curl([
            "--cacert", certs.caCert, "--cert", certs.clientCert, "--key", certs.clientKey,
            "https://127.0.0.1:\(server.port)/whoami",
        ])
        #expect(alice.output == "cn=alice o=system:masters,dev", "\(alice.errors)")
        let stranger = try await curl([
            "--cacert", certs.caCert, "--cert", certs.strangerCert, "--key", certs.strangerKey,
            "https://127.0.0.1:\(server.port)/whoami",
        ])
        #expect(stranger.exitCode != 0)
        await server.stop()
    }

    @Test @LoopActor func plainHTTPAgainstATLSServerIsDropped() async throws {
        let certs = try sharedCertificates.get()
        let (server, calls) = try Self.start(certs)
        let response = try await exchange(port: server.port, "GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.closed)
        #expect(!response.text.contains("peer="))
        #expect(calls.count == 0)
        await server.stop()
    }

    @Test @LoopActor func badTLSMaterialFailsClearly() throws {
        let certs = try sharedCertificates.get()
        let missing = TLSConfiguration(certificateChain: .file("/nonexistent/server.crt"), privateKey: .file(certs.serverKey))
        var configuration = HTTPServerConfiguration()
        configuration.tls = missing
        #expect {
            try HTTPServer(configuration: configuration, router: Router())
        } throws: { error in
            "\(error)".contains("cannot read certificate /nonexistent/server.crt") && "\(error)".contains("No such file")
        }

        configuration.tls = TLSConfiguration(certificateChain: .pem("garbage"), privateKey: .file(certs.serverKey))
        #expect(throws: HTTPServerError.tls("no certificate found in PEM data")) {
            try HTTPServer(configuration: configuration, router: Router())
        }

        configuration.tls = TLSConfiguration(certificateChain: .file(certs.serverCert), privateKey: .file(certs.clientKey))
        #expect {
            try HTTPServer(configuration: configuration, router: Router())
        } throws: { error in
            "\(error)".contains("does not match")
        }
    }

    @Test @LoopActor func bindErrorsAreClear() async throws {
        let first = try startServer(Router())
        var configuration = HTTPServerConfiguration()
        configuration.port = first.port
        let second = try HTTPServer(configuration: configuration, router: Router())
        #expect {
            try second.start()
        } throws: { error in
            "\(error)" == "cannot listen on 127.0.0.1:\(first.port): address already in use"
        }
        await second.stop()
        await first.stop()
    }
}
