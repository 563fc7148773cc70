import HTTPClient
import HTTPServer

/// The certificates of an embedded control plane: its CA, the serving certificate, the admin's
/// client certificate and the client certificate it presents to kubelets.
public struct ControlPlanePKI: Sendable {
    public let authority: CertificateAuthority
    public let serving: IssuedCertificate
    public let admin: IssuedCertificate
    public let kubeletClient: IssuedCertificate

    /// A fresh PKI, the serving certificate valid for `hosts` (IP addresses or DNS names).
    public static func generate(hosts: [String] = ["127.0.0.1", "localhost"]) throws(CertificateError) -> ControlPlanePKI {
        let authority = try CertificateAuthority.generate(commonName: "node-agent-ca")
        return try ControlPlanePKI(authority: authority, hosts: hosts)
    }

    /// Leaf certificates issued by an existing CA (a restart with a state file keeps the CA).
    public init(authority: CertificateAuthority, hosts: [String] = ["127.0.0.1", "localhost"]) throws(CertificateError) {
        self.authority = authority
        let addresses = hosts.filter { $0.contains(":") || $0.allSatisfy { $0.isNumber || $0 == "." } }
        let names = hosts.filter { !addresses.contains($0) } + ["kubernetes", "kubernetes.default", "kubernetes.default.svc"]
        serving = try authority.issue(
            CertificateSubject(commonName: "kube-apiserver"), usage: .serverAuth, dnsNames: names, ipAddresses: addresses)
        admin = try authority.issue(
            CertificateSubject(commonName: "admin", organizations: ["system:masters"]), usage: .clientAuth)
        kubeletClient = try authority.issue(
            CertificateSubject(commonName: "kube-apiserver-kubelet-client", organizations: ["system:masters"]),
            usage: .clientAuth)
    }

    /// A node's client certificate: `system:node:<name>` in `system:nodes`, as kubelet TLS bootstrap issues.
    public func nodeCertificate(_ name: String) throws(CertificateError) -> IssuedCertificate {
        try authority.issue(
            CertificateSubject(commonName: "system:node:\(name)", organizations: ["system:nodes"]), usage: .clientAuth)
    }

    /// The server's TLS: serving certificate, client certificates verified against the CA when presented.
    public var serverTLS: TLSConfiguration {
        TLSConfiguration(
            certificateChain: .pem(serving.certificatePEM), privateKey: .pem(serving.privateKeyPEM),
            clientCA: .pem(authority.certificatePEM), requireClientCertificate: false)
    }

    /// The admin's client side: the CA to trust and the admin's client certificate (system:masters).
    public var adminTLS: ClientTLSConfiguration {
        ClientTLSConfiguration(
            certificateAuthority: .pem(authority.certificatePEM), clientCertificate: .pem(admin.certificatePEM),
            clientKey: .pem(admin.privateKeyPEM))
    }

    /// What the API server presents to kubelets, trusting kubelet serving certificates from this CA.
    public var kubeletClientTLS: ClientTLSConfiguration {
        ClientTLSConfiguration(
            certificateAuthority: .pem(authority.certificatePEM), clientCertificate: .pem(kubeletClient.certificatePEM),
            clientKey: .pem(kubeletClient.privateKeyPEM))
    }
}
