/// The distinguished name of a certificate: Kubernetes reads the user from the common name and the
/// groups from the organizations.
public struct CertificateSubject: Sendable, Equatable {
    public var commonName: String
    public var organizations: [String]

    public init(commonName: String, organizations: [String] = []) {
        self.commonName = commonName
        self.organizations = organizations
    }
}

/// The extended key usages of a leaf certificate. An empty set leaves the extension out (any use).
public struct CertificateUsage: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A TLS server (`id-kp-serverAuth`).
    public static let serverAuth = CertificateUsage(rawValue: 1 << 0)
    /// A TLS client (`id-kp-clientAuth`).
    public static let clientAuth = CertificateUsage(rawValue: 1 << 1)
}

/// A certificate and its private key, both PEM: the certificate as `CERTIFICATE`, the key as
/// unencrypted PKCS#8 (`PRIVATE KEY`). Ready for `PEMSource.pem`.
public struct IssuedCertificate: Sendable, Equatable {
    public let certificatePEM: String
    public let privateKeyPEM: String

    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }
}

/// Why a certificate could not be made or loaded: one line, with OpenSSL's error queue when it said anything.
public struct CertificateError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }

    /// `message` followed by the (drained) OpenSSL error queue.
    static func openSSL(_ message: String) -> CertificateError {
        CertificateError("\(message): \(tlsErrorString())")
    }
}

/// What `X509Builder` puts into one certificate.
struct CertificateRequest {
    enum Kind {
        /// A CA: basicConstraints CA:TRUE, keyCertSign + cRLSign.
        case authority
        /// An end-entity certificate with these extended key usages.
        case leaf(CertificateUsage)
    }

    var subject: CertificateSubject
    var kind: Kind
    var dnsNames: [String] = []
    var ipAddresses: [String] = []
    var validFor: Duration

    /// Rejects what OpenSSL would silently truncate or mis-encode.
    func validate() throws(CertificateError) {
        guard !subject.commonName.isEmpty else { throw CertificateError("a certificate needs a common name") }
        for text in [subject.commonName] + subject.organizations where text.isEmpty || text.utf8.contains(0) {
            throw CertificateError("invalid subject name \(String(reflecting: text))")
        }
        guard validFor > .zero else { throw CertificateError("validity \(validFor) is not positive") }
        // Beyond year 9999 there is no X.509 time encoding.
        guard validFor < .seconds(7900 * 365 * 86400) else { throw CertificateError("validity \(validFor) is too long") }
        for name in dnsNames where !Self.isIA5DNSName(name) {
            throw CertificateError("invalid DNS name \(String(reflecting: name)) for a subjectAltName")
        }
        for address in ipAddresses where address.isEmpty || address.utf8.contains(0) {
            throw CertificateError("invalid IP address \(String(reflecting: address))")
        }
    }

    /// Printable ASCII without spaces or commas (a subjectAltName DNS entry is an IA5String).
    private static func isIA5DNSName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ",") }
    }
}
