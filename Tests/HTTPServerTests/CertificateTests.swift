import Foundation
import HTTP
import HTTPServer
import Loop
import TestSupport
import Testing

/// Certificates made in process, checked with the real `openssl` command and a real TLS handshake.
@Suite(.timeLimit(.minutes(1))) struct CertificateTests {
    static let authority = Result { try CertificateAuthority.generate(commonName: "node-agent-ca") }

    @Test func issuedCertificatesVerifyAgainstTheCA() async throws {
        let ca = try Self.authority.get()
        let files = try PEMFiles()
        let serving = try ca.issue(
            CertificateSubject(commonName: "kube-apiserver"), usage: .serverAuth,
            dnsNames: ["localhost", "kubernetes.default.svc"], ipAddresses: ["127.0.0.1", "::1", "10.96.0.1"])
        let admin = try ca.issue(CertificateSubject(commonName: "admin", organizations: ["system:masters"]), usage: .clientAuth)
        let node = try ca.issue(
            CertificateSubject(commonName: "system:node:worker-1", organizations: ["system:nodes"]),
            usage: [.serverAuth, .clientAuth], dnsNames: ["worker-1"])
        try files.write("ca", IssuedCertificate(certificatePEM: ca.certificatePEM, privateKeyPEM: ca.privateKeyPEM))
        try files.write("serving", serving)
        try files.write("admin", admin)
        try files.write("node", node)

        for (name, purpose) in [("serving", "sslserver"), ("admin", "sslclient"), ("node", "sslserver"), ("node", "sslclient")] {
            let verified = try await openssl(["verify", "-purpose", purpose, "-CAfile", files.cert("ca"), files.cert(name)])
            #expect(verified.status == 0 && verified.output.contains("OK"), "\(name) \(purpose): \(verified)")
        }
        // The usages are enforced: a client certificate is no server.
        let misused = try await openssl(["verify", "-purpose", "sslserver", "-CAfile", files.cert("ca"), files.cert("admin")])
        #expect(misused.status != 0)

        let caText = try await openssl(["x509", "-noout", "-text", "-in", files.cert("ca")]).output
        for expected in [
            "Version: 3 (0x2)", "Subject: CN = node-agent-ca", "X509v3 Basic Constraints: critical", "CA:TRUE",
            "X509v3 Key Usage: critical", "Digital Signature, Certificate Sign, CRL Sign", "X509v3 Subject Key Identifier",
            "ecdsa-with-SHA256", "NIST CURVE: P-256",
        ] {
            #expect(caText.contains(expected), "CA lacks \(expected): \(caText)")
        }

        let servingText = try await openssl(["x509", "-noout", "-text", "-in", files.cert("serving")]).output
        for expected in [
            "Version: 3 (0x2)", "Issuer: CN = node-agent-ca", "Subject: CN = kube-apiserver", "CA:FALSE",
            "X509v3 Key Usage: critical", "Digital Signature, Key Encipherment", "TLS Web Server Authentication",
            "DNS:localhost, DNS:kubernetes.default.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:10.96.0.1",
            "X509v3 Authority Key Identifier", "ecdsa-with-SHA256", "NIST CURVE: P-256",
        ] {
            #expect(servingText.contains(expected), "serving certificate lacks \(expected): \(servingText)")
        }
        #expect(!servingText.contains("Client Authentication"))

        let adminText = try await openssl(["x509", "-noout", "-subject", "-nameopt", "RFC2253", "-text", "-in", files.cert("admin")]).output
        #expect(adminText.contains("subject=CN=admin,O=system:masters"), "\(adminText)")
        #expect(adminText.contains("TLS Web Client Authentication") && !adminText.contains("Server Authentication"))
        #expect(!adminText.contains("Subject Alternative Name"))
        let nodeText = try await openssl(["x509", "-noout", "-subject", "-nameopt", "RFC2253", "-text", "-in", files.cert("node")]).output
        #expect(nodeText.contains("subject=CN=system:node:worker-1,O=system:nodes"), "\(nodeText)")
        #expect(nodeText.contains("TLS Web Server Authentication, TLS Web Client Authentication"))

        // Keys: unencrypted PKCS#8 EC P-256, each matching its certificate.
        for name in ["ca", "serving", "admin"] {
            let keyPEM = try String(contentsOfFile: files.key(name), encoding: .utf8)
            #expect(keyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
            let key = try await openssl(["pkey", "-in", files.key(name), "-noout", "-text"]).output
            #expect(key.contains("ASN1 OID: prime256v1"), "\(key)")
            let fromKey = try await openssl(["pkey", "-in", files.key(name), "-pubout"]).output
            let fromCert = try await openssl(["x509", "-in", files.cert(name), "-noout", "-pubkey"]).output
            #expect(!fromKey.isEmpty && fromKey == fromCert, "\(name) key does not match its certificate")
        }
    }

    @Test func validityIsBackdatedAndBounded() async throws {
        let ca = try Self.authority.get()
        let files = try PEMFiles()
        try files.write("leaf", ca.issue(CertificateSubject(commonName: "short"), usage: .clientAuth, validFor: .seconds(7200)))
        let dates = try await openssl(["x509", "-noout", "-startdate", "-enddate", "-dateopt", "iso_8601", "-in", files.cert("leaf")])
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        let values = dates.output.split(separator: "\n").compactMap { line in
            line.split(separator: "=", maxSplits: 1).last.flatMap { formatter.date(from: String($0)) }
        }
        try #require(values.count == 2, "\(dates)")
        let now = Date()
        #expect(abs(values[0].timeIntervalSince(now) + 3600) < 120, "notBefore \(values[0]) is not an hour ago")
        #expect(abs(values[1].timeIntervalSince(now) - 7200) < 120, "notAfter \(values[1]) is not in two hours")

        // A leaf never outlives its CA.
        let shortCA = try CertificateAuthority.generate(commonName: "short-lived", validFor: .seconds(3600))
        try files.write("short-ca", IssuedCertificate(certificatePEM: shortCA.certificatePEM, privateKeyPEM: shortCA.privateKeyPEM))
        try files.write("long", shortCA.issue(CertificateSubject(commonName: "long"), usage: .clientAuth))
        let caEnd = try await openssl(["x509", "-noout", "-enddate", "-in", files.cert("short-ca")]).output
        let leafEnd = try await openssl(["x509", "-noout", "-enddate", "-in", files.cert("long")]).output
        #expect(!caEnd.isEmpty && caEnd == leafEnd)
    }

    @Test func serialsArePositiveRandomAndDistinct() async throws {
        let ca = try Self.authority.get()
        // Issued from many threads at once: the API holds no shared state.
        let certificates = try await withThrowingTaskGroup(of: IssuedCertificate.self) { group in
            for index in 0..<8 {
                group.addTask {
                    try ca.issue(CertificateSubject(commonName: "client-\(index)"), usage: .clientAuth)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let files = try PEMFiles()
        let caFile = try files.cert("ca", writing: ca.certificatePEM)
        var serials: Set<String> = []
        for (index, certificate) in certificates.enumerated() {
            try files.write("c\(index)", certificate)
            let serial = try await openssl(["x509", "-noout", "-serial", "-in", files.cert("c\(index)")]).output
            let hex = serial.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "serial=", with: "")
            #expect(hex.count >= 16 && hex.count <= 32, "\(serial)")  // up to 128 bits, and not a small counter
            serials.insert(hex)
            let verified = try await openssl(["verify", "-CAfile", caFile, files.cert("c\(index)")])
            #expect(verified.status == 0, "\(verified)")
        }
        #expect(serials.count == certificates.count)
    }

    @Test func aCertificateFromAnotherCAFailsVerification() async throws {
        let ca = try Self.authority.get()
        let other = try CertificateAuthority.generate(commonName: "stranger-ca")
        let files = try PEMFiles()
        try files.write("stranger", other.issue(CertificateSubject(commonName: "mallory"), usage: .clientAuth))
        let result = try await openssl(["verify", "-CAfile", files.cert("ca", writing: ca.certificatePEM), files.cert("stranger")])
        #expect(result.status != 0)
        #expect(result.output.contains("unable to get local issuer certificate"), "\(result)")
    }

    @Test func loadingACARoundTripsAndChecksTheMaterial() async throws {
        let ca = try Self.authority.get()
        let loaded = try CertificateAuthority(certificatePEM: ca.certificatePEM, privateKeyPEM: ca.privateKeyPEM)
        #expect(loaded == ca)
        let files = try PEMFiles()
        try files.write("leaf", loaded.issue(CertificateSubject(commonName: "reloaded"), usage: .serverAuth, dnsNames: ["x"]))
        let verified = try await openssl(["verify", "-CAfile", files.cert("ca", writing: ca.certificatePEM), files.cert("leaf")])
        #expect(verified.status == 0, "\(verified)")

        let other = try CertificateAuthority.generate(commonName: "other")
        #expect(throws: CertificateError("the private key does not match the CA certificate")) {
            try CertificateAuthority(certificatePEM: ca.certificatePEM, privateKeyPEM: other.privateKeyPEM)
        }
        #expect {
            try CertificateAuthority(certificatePEM: "garbage", privateKeyPEM: ca.privateKeyPEM)
        } throws: { error in
            "\(error)".hasPrefix("no certificate in the PEM data: error:") && "\(error)".contains("no start line")
        }
        #expect {
            let truncated = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
            return try CertificateAuthority(certificatePEM: ca.certificatePEM, privateKeyPEM: truncated)
        } throws: { error in
            "\(error)".hasPrefix("no unencrypted private key in the PEM data: error:")
        }
        let leaf = try ca.issue(CertificateSubject(commonName: "leaf"), usage: .clientAuth)
        #expect(throws: CertificateError("the certificate is not a CA (it needs basicConstraints CA:TRUE)")) {
            try CertificateAuthority(certificatePEM: leaf.certificatePEM, privateKeyPEM: leaf.privateKeyPEM)
        }
    }

    @Test func badRequestsFailClearly() throws {
        let ca = try Self.authority.get()
        #expect {
            try ca.issue(CertificateSubject(commonName: "x"), usage: .serverAuth, ipAddresses: ["300.1.2.3"])
        } throws: { error in
            "\(error)".hasPrefix("invalid IP address \"300.1.2.3\": error:") && "\(error)".contains("bad ip address")
        }
        #expect(throws: CertificateError("invalid DNS name \"a,DNS:evil\" for a subjectAltName")) {
            try ca.issue(CertificateSubject(commonName: "x"), usage: .serverAuth, dnsNames: ["a,DNS:evil"])
        }
        #expect(throws: CertificateError("a certificate needs a common name")) {
            try ca.issue(CertificateSubject(commonName: ""), usage: .clientAuth)
        }
        #expect {
            try CertificateAuthority.generate(commonName: "ca", validFor: .zero)
        } throws: { error in
            "\(error)".hasPrefix("validity ") && "\(error)".hasSuffix(" is not positive")
        }
    }

    @Test func longNodeNamesAndUnicodeFitInTheSubject() async throws {
        // A node name may be 253 characters; RFC 5280's 64-character CN bound is not enforced (as in Go).
        let ca = try Self.authority.get()
        let long = String(repeating: "n", count: 200)
        let files = try PEMFiles()
        let subject = CertificateSubject(commonName: "system:node:\(long)", organizations: ["system:nodes", "équipe"])
        try files.write("node", ca.issue(subject, usage: .clientAuth))
        let printed = try await openssl(["x509", "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb", "-in", files.cert("node")])
        #expect(printed.output.contains("CN=system:node:\(long),O=équipe,O=system:nodes"), "\(printed)")
    }

    @Test func aSelfSignedCertificateVerifiesAgainstItself() async throws {
        let files = try PEMFiles()
        let issued = try IssuedCertificate.selfSigned(
            CertificateSubject(commonName: "worker-1"), dnsNames: ["worker-1"], ipAddresses: ["127.0.0.1", "fd00::1"])
        try files.write("self", issued)
        let verified = try await openssl(["verify", "-purpose", "sslserver", "-CAfile", files.cert("self"), files.cert("self")])
        #expect(verified.status == 0, "\(verified)")
        let text = try await openssl(["x509", "-noout", "-text", "-in", files.cert("self")]).output
        #expect(text.contains("Issuer: CN = worker-1") && text.contains("Subject: CN = worker-1"))
        #expect(text.contains("DNS:worker-1, IP Address:127.0.0.1, IP Address:FD00:0:0:0:0:0:0:1"), "\(text)")
        #expect(text.contains("CA:FALSE") && text.contains("TLS Web Server Authentication"))
    }

    /// A server with a generated serving certificate requires client certificates from the generated
    /// CA; curl (OpenSSL) presents a generated client certificate and the handler sees its identity.
    @Test @LoopActor func mutualTLSWithGeneratedCertificates() async throws {
        let ca = try Self.authority.get()
        let serving = try ca.issue(CertificateSubject(commonName: "apiserver"), usage: .serverAuth, ipAddresses: ["127.0.0.1"])
        let client = try ca.issue(
            CertificateSubject(commonName: "system:node:worker-1", organizations: ["system:nodes"]), usage: .clientAuth)
        var router = Router()
        router.get("/whoami") { request in
            .text("\(request.tlsPeer?.commonName ?? "-") \(request.tlsPeer?.organizations.joined(separator: ",") ?? "-")")
        }
        let server = try startServer(router) {
            $0.tls = TLSConfiguration(
                certificateChain: .pem(serving.certificatePEM), privateKey: .pem(serving.privateKeyPEM),
                clientCA: .pem(ca.certificatePEM), requireClientCertificate: true)
        }
        let files = try PEMFiles()
        try files.write("client", client)
        let result = try await curl([
            "--cacert", files.cert("ca", writing: ca.certificatePEM), "--cert", files.cert("client"), "--key", files.key("client"),
            "https://127.0.0.1:\(server.port)/whoami",
        ])
        #expect(result.exitCode == 0, "\(result.errors)")
        #expect(result.output == "system:node:worker-1 system:nodes")
        await server.stop()
    }
}

/// PEM files in a fresh temporary directory: `name.crt` and `name.key`.
private struct PEMFiles {
    let directory: String

    init() throws { directory = try TemporaryDirectory.make(prefix: "generated-certs") }

    func write(_ name: String, _ issued: IssuedCertificate) throws {
        try issued.certificatePEM.write(toFile: cert(name), atomically: true, encoding: .utf8)
        try issued.privateKeyPEM.write(toFile: key(name), atomically: true, encoding: .utf8)
    }

    func cert(_ name: String) -> String { "\(directory)/\(name).crt" }
    func key(_ name: String) -> String { "\(directory)/\(name).key" }

    /// Writes `pem` as `name.crt` and returns its path.
    func cert(_ name: String, writing pem: String) throws -> String {
        try pem.write(toFile: cert(name), atomically: true, encoding: .utf8)
        return cert(name)
    }
}

private struct OpenSSLResult: Sendable, CustomStringConvertible {
    var status: Int32
    var output: String
    var description: String { "exit \(status): \(output)" }
}

/// Runs /usr/bin/openssl off the cooperative pool; stdout and stderr together.
private func openssl(_ arguments: [String]) async throws -> OpenSSLResult {
    try await offLoop {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let waitForExit = try process.launchForWaiting()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        waitForExit()
        return OpenSSLResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
