import Foundation
import Synchronization

/// A throwaway PKI made with the `openssl` command for one test run: a CA, a serving certificate for
/// 127.0.0.1/localhost, a client certificate signed by the CA, and a client certificate from an
/// unrelated CA (to be rejected).
public struct TestCertificates: Sendable {
    public let directory: String
    public var caCert: String { directory + "/ca.crt" }
    public var caKey: String { directory + "/ca.key" }
    public var serverCert: String { directory + "/server.crt" }
    public var serverKey: String { directory + "/server.key" }
    public var clientCert: String { directory + "/client.crt" }
    public var clientKey: String { directory + "/client.key" }
    public var otherCACert: String { directory + "/other-ca.crt" }
    public var strangerCert: String { directory + "/stranger.crt" }
    public var strangerKey: String { directory + "/stranger.key" }

    /// The client certificate's subject.
    public static let clientCommonName = "alice"
    public static let clientOrganizations = ["system:masters", "dev"]

    public static func make() throws -> TestCertificates {
        let directory = try TemporaryDirectory.make(prefix: "certs")
        let certs = TestCertificates(directory: directory)
        try certs.generate()
        return certs
    }

    public func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    private func generate() throws {
        try makeCA(name: "ca", subject: "/CN=node-agent-test-ca")
        try makeCA(name: "other-ca", subject: "/CN=stranger-ca")
        try issue(
            name: "server", ca: "ca", subject: "/CN=127.0.0.1",
            extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth")
        try issue(
            name: "client", ca: "ca", subject: "/O=system:masters/O=dev/CN=\(Self.clientCommonName)",
            extensions: "extendedKeyUsage=clientAuth")
        try issue(name: "stranger", ca: "other-ca", subject: "/CN=mallory", extensions: "extendedKeyUsage=clientAuth")
    }

    private func makeCA(name: String, subject: String) throws {
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "\(directory)/\(name).key", "-out", "\(directory)/\(name).crt",
            "-days", "2", "-subj", subject, "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    private func issue(name: String, ca: String, subject: String, extensions: String) throws {
        let extFile = "\(directory)/\(name).ext"
        try extensions.write(toFile: extFile, atomically: true, encoding: .utf8)
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "\(directory)/\(name).key", "-out", "\(directory)/\(name).csr", "-subj", subject,
        ])
        try openssl([
            "x509", "-req", "-in", "\(directory)/\(name).csr", "-CA", "\(directory)/\(ca).crt",
            "-CAkey", "\(directory)/\(ca).key", "-CAcreateserial", "-out", "\(directory)/\(name).crt",
            "-days", "2", "-extfile", extFile,
        ])
    }

    /// Runs openssl with its errors in a file, not a pipe: a pipe's end inherited by a child another
    /// test spawns at the same moment (a curl left waiting on a server) would keep the read from ever
    /// seeing its end, and this runs on the loop those servers need.
    private func openssl(_ arguments: [String]) throws {
        let errorsPath = "\(directory)/openssl-\(arguments.first ?? "").err"
        guard FileManager.default.createFile(atPath: errorsPath, contents: nil), let errors = FileHandle(forWritingAtPath: errorsPath) else {
            throw TestSupportError("cannot create \(errorsPath)")
        }
        defer { try? errors.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let waitForExit = try process.launchForWaiting()
        waitForExit()
        guard process.terminationStatus == 0 else {
            let message = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
            throw TestSupportError("openssl \(arguments.first ?? "") failed: \(message)")
        }
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Scratch directories that are removed when the test process exits, so repeated runs leave /tmp clean.
public enum TemporaryDirectory {
    private static let made = Mutex<[String]>([])
    private static let removalAtExit: Void = { atexit { TemporaryDirectory.removeAll() } }()

    public static func make(prefix: String) throws -> String {
        var template = Array("\(NSTemporaryDirectory())/node-agent-\(prefix)-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw TestSupportError("mkdtemp failed") }
        let path = String(cString: created)
        removalAtExit
        made.withLock { $0.append(path) }
        return path
    }

    private static func removeAll() {
        for path in made.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
