import COpenSSL

/// A certificate authority held as PEM text: generated in process (EC P-256, SHA-256) or loaded from
/// existing files. It issues serving and client certificates. A plain value: every call parses the
/// PEMs afresh and frees what it made, so it can be used from any thread.
public struct CertificateAuthority: Sendable, Equatable {
    public let certificatePEM: String
    /// PKCS#8 for a generated CA; as given for a loaded one.
    public let privateKeyPEM: String

    /// A new self-signed CA with subject CN=`commonName`.
    public static func generate(
        commonName: String, validFor: Duration = .seconds(10 * 365 * 86400)
    ) throws(CertificateError) -> CertificateAuthority {
        let request = CertificateRequest(
            subject: CertificateSubject(commonName: commonName), kind: .authority, validFor: validFor)
        let issued = try makeCertificate(request, issuer: nil)
        return CertificateAuthority(checked: issued)
    }

    /// Loads an existing CA and checks it: the key must match the certificate, and the certificate
    /// must be a CA (basicConstraints CA:TRUE) allowed to sign certificates.
    public init(certificatePEM: String, privateKeyPEM: String) throws(CertificateError) {
        ERR_clear_error()
        let certificate = try PEMCodec.readCertificate(certificatePEM)
        defer { X509_free(certificate) }
        let key = try PEMCodec.readPrivateKey(privateKeyPEM)
        defer { EVP_PKEY_free(key) }
        guard X509_check_private_key(certificate, key) == 1 else {
            ERR_clear_error()
            throw CertificateError("the private key does not match the CA certificate")
        }
        guard X509_check_ca(certificate) == 1 else {
            ERR_clear_error()
            throw CertificateError("the certificate is not a CA (it needs basicConstraints CA:TRUE)")
        }
        guard X509_get_key_usage(certificate) & UInt32(KU_KEY_CERT_SIGN) != 0 else {
            throw CertificateError("the CA certificate's keyUsage does not allow signing certificates")
        }
        ERR_clear_error()
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    private init(checked issued: IssuedCertificate) {
        certificatePEM = issued.certificatePEM
        privateKeyPEM = issued.privateKeyPEM
    }

    /// A new key and a certificate for it signed by this CA, with the given subject, extended key
    /// usages and subjectAltNames (`ipAddresses` in IPv4 or IPv6 text form). The validity never
    /// extends past the CA's own.
    public func issue(
        _ subject: CertificateSubject, usage: CertificateUsage, dnsNames: [String] = [], ipAddresses: [String] = [],
        validFor: Duration = .seconds(365 * 86400)
    ) throws(CertificateError) -> IssuedCertificate {
        ERR_clear_error()
        let request = CertificateRequest(
            subject: subject, kind: .leaf(usage), dnsNames: dnsNames, ipAddresses: ipAddresses, validFor: validFor)
        try request.validate()
        let certificate = try PEMCodec.readCertificate(certificatePEM)
        defer { X509_free(certificate) }
        let key = try PEMCodec.readPrivateKey(privateKeyPEM)
        defer { EVP_PKEY_free(key) }
        return try makeCertificate(request, issuer: (certificate, key))
    }
}

extension IssuedCertificate {
    /// A self-signed leaf certificate (no CA), e.g. a kubelet's serving certificate when no cluster CA
    /// signs one. A client trusts it by taking the certificate itself as its CA file.
    public static func selfSigned(
        _ subject: CertificateSubject, usage: CertificateUsage = .serverAuth, dnsNames: [String] = [],
        ipAddresses: [String] = [], validFor: Duration = .seconds(365 * 86400)
    ) throws(CertificateError) -> IssuedCertificate {
        ERR_clear_error()
        let request = CertificateRequest(
            subject: subject, kind: .leaf(usage), dnsNames: dnsNames, ipAddresses: ipAddresses, validFor: validFor)
        return try makeCertificate(request, issuer: nil)
    }
}

/// A fresh key and a certificate for it, as PEM. Frees every OpenSSL object it made.
private func makeCertificate(
    _ request: CertificateRequest, issuer: (certificate: OpaquePointer, key: OpaquePointer)?
) throws(CertificateError) -> IssuedCertificate {
    let key = try X509Builder.generateKey()
    defer { EVP_PKEY_free(key) }
    let certificate = try X509Builder.makeCertificate(request, subjectKey: key, issuer: issuer)
    defer { X509_free(certificate) }
    let issued = IssuedCertificate(
        certificatePEM: try PEMCodec.write(certificate: certificate), privateKeyPEM: try PEMCodec.write(privateKey: key))
    ERR_clear_error()
    return issued
}
