import Foundation

/// A kubeconfig for one cluster and one user, with the certificates embedded, for kubectl.
public enum KubeconfigText {
    public static func make(
        server: String, certificateAuthorityPEM: String, clientCertificatePEM: String? = nil,
        clientKeyPEM: String? = nil, token: String? = nil, name: String = "node-agent"
    ) -> String {
        func data(_ pem: String) -> String { Data(pem.utf8).base64EncodedString() }
        var user: [String] = []
        if let clientCertificatePEM { user.append("    client-certificate-data: \(data(clientCertificatePEM))") }
        if let clientKeyPEM { user.append("    client-key-data: \(data(clientKeyPEM))") }
        if let token { user.append("    token: \(token)") }
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: \(name)
              cluster:
                server: \(server)
                certificate-authority-data: \(data(certificateAuthorityPEM))
            users:
            - name: \(name)-admin
              user:
            \(user.joined(separator: "\n"))
            contexts:
            - name: \(name)
              context:
                cluster: \(name)
                user: \(name)-admin
            current-context: \(name)

            """
    }
}
