import Foundation
import HTTPClient
import Kube
import Loop
import TestSupport
import Testing

@Suite struct InClusterTests {
    static let serviceAccount = "var/run/secrets/kubernetes.io/serviceaccount"

    func podRoot(namespace: String? = "workloads\n") throws -> ConfigDirectory {
        let root = try ConfigDirectory("incluster")
        try root.write("\(Self.serviceAccount)/token", "token-1\n")
        try root.write("\(Self.serviceAccount)/ca.crt", "-----BEGIN CERTIFICATE-----\n")
        if let namespace { try root.write("\(Self.serviceAccount)/namespace", namespace) }
        return root
    }

    @Test func readsTheServiceAccount() throws {
        let root = try podRoot()
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let connection = try #require(try InClusterConfig.load(environment: environment, root: root.path))
        #expect(connection.server == "https://10.96.0.1:443")
        #expect(connection.namespace == "workloads")
        #expect(connection.tls.certificateAuthority == .file(root.file("\(Self.serviceAccount)/ca.crt")))
        #expect(connection.tls.insecureSkipVerify == false)
        #expect(connection.credentials == .tokenFile(root.file("\(Self.serviceAccount)/token")))
        #expect(connection.origin == "in-cluster")
    }

    @Test func bracketsIPv6AndDefaultsTheNamespace() throws {
        let root = try podRoot(namespace: nil)
        let environment = ["KUBERNETES_SERVICE_HOST": "fd00:10:96::1", "KUBERNETES_SERVICE_PORT": "6443"]
        let connection = try #require(try InClusterConfig.load(environment: environment, root: root.path))
        #expect(connection.server == "https://[fd00:10:96::1]:6443")
        #expect(connection.namespace == "default")
    }

    @Test func notInAPodAndBrokenPods() throws {
        let root = try podRoot()
        #expect(try InClusterConfig.load(environment: [:], root: root.path) == nil)
        #expect(
            configError { try InClusterConfig.load(environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1"], root: root.path) }
                == "in-cluster: KUBERNETES_SERVICE_HOST is set but KUBERNETES_SERVICE_PORT is not")
        let environment = ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "https"]
        #expect(
            configError { try InClusterConfig.load(environment: environment, root: root.path) }
                == "in-cluster: KUBERNETES_SERVICE_PORT \"https\" is not a port number")
        let empty = try ConfigDirectory("incluster")
        let valid = ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        #expect(
            configError { try InClusterConfig.load(environment: valid, root: empty.path) }
                == "in-cluster: service account token \(empty.path)/\(Self.serviceAccount)/token cannot be read")
    }

    /// The kubelet rotates the projected token; the credential follows it.
    @Test @LoopActor func rotatedTokenIsPickedUp() async throws {
        let root = try podRoot()
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let connection = try #require(try InClusterConfig.load(environment: environment, root: root.path))
        let clock = ManualClock()
        let credentials = Credentials(connection.credentials, clock: clock)
        #expect(try await credentials.authorizationHeader() == "Bearer token-1")
        try root.write("\(Self.serviceAccount)/token", "token-2")
        clock.advance(by: .seconds(1))
        #expect(try await credentials.authorizationHeader() == "Bearer token-2")
    }
}
