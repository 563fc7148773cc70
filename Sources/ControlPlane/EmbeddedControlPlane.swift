import Foundation
import HTTPClient
import HTTPServer
import Kube
import Loop

/// How `node-agent emulate` (and the agent's embedded mode) runs the control plane.
public struct ControlPlaneOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 0
    /// Where to write an admin kubeconfig for kubectl.
    public var kubeconfigPath: String?
    /// Saved on `stop`, loaded on start when it exists: objects, resourceVersion and the CA.
    public var stateFile: String?
    public var watchWindow = 100_000

    public init() {}
}

/// The API server with its PKI, admin credentials, kubeconfig and optional persistence.
@LoopActor
public final class EmbeddedControlPlane {
    public let options: ControlPlaneOptions
    public let pki: ControlPlanePKI
    public let server: APIServer
    /// A bearer token with admin rights, for clients that cannot present certificates.
    public let adminToken: String

    public init(options: ControlPlaneOptions) throws {
        self.options = options
        var saved: JSONValue?
        if let path = options.stateFile, FileManager.default.fileExists(atPath: path) {
            do {
                saved = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            } catch {
                throw StateError("cannot read state file \(path): \(error)")
            }
        }
        let hosts = Array(Set([options.host, "127.0.0.1", "localhost"])).sorted()
        if let certificate = saved?["ca"]?["certificate"]?.stringValue, let key = saved?["ca"]?["key"]?.stringValue {
            pki = try ControlPlanePKI(authority: CertificateAuthority(certificatePEM: certificate, privateKeyPEM: key), hosts: hosts)
        } else {
            pki = try ControlPlanePKI.generate(hosts: hosts)
        }
        adminToken = saved?["adminToken"]?.stringValue ?? ObjectMetaRules.newUID()
        var configuration = APIServerConfiguration(tls: pki.serverTLS)
        configuration.host = options.host
        configuration.port = options.port
        configuration.watchWindow = options.watchWindow
        configuration.tokens = [adminToken: .admin]
        configuration.kubeletClientTLS = pki.kubeletClientTLS
        server = APIServer(configuration: configuration)
        if let store = saved?["store"] { try server.restore(store) }
    }

    public func start() throws {
        try server.start()
        if let path = options.kubeconfigPath {
            try kubeconfig().write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    public var url: String { "https://\(options.host):\(server.port)" }

    /// The admin's connection, for clients in this process.
    public var adminConnection: ClusterConnection {
        ClusterConnection(server: url, tls: pki.adminTLS, credentials: .clientCertificate, origin: "embedded control plane")
    }

    /// An admin kubeconfig with the certificates embedded.
    public func kubeconfig() -> String {
        KubeconfigText.make(
            server: url, certificateAuthorityPEM: pki.authority.certificatePEM,
            clientCertificatePEM: pki.admin.certificatePEM, clientKeyPEM: pki.admin.privateKeyPEM)
    }

    /// Writes the state file (when configured): every object, the resourceVersion, the CA and the admin token.
    public func save() throws {
        guard let path = options.stateFile else { return }
        let state: JSONValue = [
            "ca": ["certificate": .string(pki.authority.certificatePEM), "key": .string(pki.authority.privateKeyPEM)],
            "adminToken": .string(adminToken), "store": server.store.exportState(),
        ]
        try Data(state.serialized()).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Saves the state, then stops serving.
    public func stop() async throws {
        try save()
        await server.stop()
    }
}
