import Foundation
import HTTPClient

/// The configuration a pod gets from its service account: the API server from the
/// `KUBERNETES_SERVICE_HOST`/`_PORT` environment, and the token, CA and namespace files the kubelet
/// mounts (the token is rotated in place, hence `.tokenFile`).
public enum InClusterConfig {
    public static let serviceAccountDirectory = "var/run/secrets/kubernetes.io/serviceaccount"

    /// Nil when not running in a pod (no service host in the environment). `root` replaces `/` in tests.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment, root: String = "/"
    ) throws(KubeConfigError) -> ClusterConnection? {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty else { return nil }
        guard let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else {
            throw KubeConfigError(file: nil, "in-cluster: KUBERNETES_SERVICE_HOST is set but KUBERNETES_SERVICE_PORT is not")
        }
        guard let portNumber = Int(port), (1...65535).contains(portNumber) else {
            throw KubeConfigError(file: nil, "in-cluster: KUBERNETES_SERVICE_PORT \"\(port)\" is not a port number")
        }
        let directory = (root.hasSuffix("/") ? root : root + "/") + serviceAccountDirectory
        let tokenPath = directory + "/token"
        let caPath = directory + "/ca.crt"
        guard FileManager.default.isReadableFile(atPath: tokenPath) else {
            throw KubeConfigError(file: nil, "in-cluster: service account token \(tokenPath) cannot be read")
        }
        guard FileManager.default.isReadableFile(atPath: caPath) else {
            throw KubeConfigError(file: nil, "in-cluster: service account CA \(caPath) cannot be read")
        }
        // An IPv6 literal needs brackets in a URL; an already-bracketed one is left alone.
        let urlHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let namespace = (try? String(contentsOfFile: directory + "/namespace", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return ClusterConnection(
            server: "https://\(urlHost):\(portNumber)",
            tls: ClientTLSConfiguration(certificateAuthority: .file(caPath)),
            namespace: namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default",
            credentials: .tokenFile(tokenPath), origin: "in-cluster")
    }
}
