import COpenSSL

/// The OpenSSL calls that make a key and a signed X.509 v3 certificate. Stateless: every object is
/// created, used and freed within one call, so any thread may call it at any time.
enum X509Builder {
    /// The certificate is backdated this much, for peers whose clocks run behind.
    static let clockSkewAllowance = 3600

    /// A fresh EC P-256 key pair; the caller frees it with `EVP_PKEY_free`.
    static func generateKey() throws(CertificateError) -> OpaquePointer {
        guard let key = cssl_generate_ec_p256_key() else { throw .openSSL("cannot generate an EC P-256 key") }
        return key
    }

    /// Builds and signs a certificate for `subjectKey`'s public key. `issuer` nil means self-signed
    /// with `subjectKey`. The caller frees the result with `X509_free`.
    static func makeCertificate(
        _ request: CertificateRequest, subjectKey: OpaquePointer,
        issuer: (certificate: OpaquePointer, key: OpaquePointer)?
    ) throws(CertificateError) -> OpaquePointer {
        try request.validate()
        guard let certificate = X509_new() else { throw .openSSL("cannot allocate a certificate") }
        var built = false
        defer { if !built { X509_free(certificate) } }

        guard X509_set_version(certificate, Int(X509_VERSION_3)) == 1 else { throw .openSSL("cannot set the certificate version") }
        try setRandomSerial(certificate)
        try setValidity(certificate, request.validFor, notAfterLimit: issuer.map { X509_get0_notAfter($0.certificate) })

        let name = try makeName(request.subject)
        defer { X509_NAME_free(name) }
        guard X509_set_subject_name(certificate, name) == 1,
            X509_set_issuer_name(certificate, issuer.map { X509_get_subject_name($0.certificate) } ?? name) == 1
        else { throw .openSSL("cannot set the certificate's names") }
        guard X509_set_pubkey(certificate, subjectKey) == 1 else { throw .openSSL("cannot set the certificate's public key") }

        try addExtensions(request, to: certificate, issuer: issuer?.certificate)

        guard X509_sign(certificate, issuer?.key ?? subjectKey, EVP_sha256()) > 0 else {
            throw .openSSL("cannot sign the certificate")
        }
        built = true
        return certificate
    }

    /// A uniformly random, positive (non-zero) 128-bit serial number.
    private static func setRandomSerial(_ certificate: OpaquePointer) throws(CertificateError) {
        guard let number = BN_new() else { throw .openSSL("cannot allocate a serial number") }
        defer { BN_free(number) }
        repeat {
            guard BN_rand(number, 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 else {
                throw .openSSL("cannot generate a random serial number")
            }
        } while BN_is_zero(number) == 1
        guard let serial = BN_to_ASN1_INTEGER(number, nil) else { throw .openSSL("cannot encode the serial number") }
        defer { ASN1_INTEGER_free(serial) }
        guard X509_set_serialNumber(certificate, serial) == 1 else { throw .openSSL("cannot set the serial number") }
    }

    /// notBefore = now − the clock-skew allowance; notAfter = now + `validFor`, but never after the
    /// issuer's notAfter (a certificate cannot outlive the CA that vouches for it).
    private static func setValidity(
        _ certificate: OpaquePointer, _ validFor: Duration, notAfterLimit: UnsafePointer<ASN1_TIME>?
    ) throws(CertificateError) {
        guard X509_gmtime_adj(X509_getm_notBefore(certificate), -clockSkewAllowance) != nil,
            X509_gmtime_adj(X509_getm_notAfter(certificate), Int(validFor.components.seconds)) != nil
        else { throw .openSSL("cannot set the validity period") }
        if let notAfterLimit, ASN1_TIME_compare(X509_get0_notAfter(certificate), notAfterLimit) > 0 {
            guard X509_set1_notAfter(certificate, notAfterLimit) == 1 else { throw .openSSL("cannot set the validity period") }
        }
    }

    /// O=… entries (in order) then CN=…, as UTF8Strings. Stored as given, not through OpenSSL's string
    /// table, whose 64-character limit on CN would refuse `system:node:<a long node name>`.
    /// The caller frees it with `X509_NAME_free`.
    private static func makeName(_ subject: CertificateSubject) throws(CertificateError) -> OpaquePointer {
        guard let name = X509_NAME_new() else { throw .openSSL("cannot allocate a name") }
        let entries = subject.organizations.map { (cssl_nid_organization(), $0) } + [(cssl_nid_common_name(), subject.commonName)]
        for (nid, value) in entries {
            let bytes = Array(value.utf8)  // non-empty and NUL-free: checked by `CertificateRequest.validate`
            let added = bytes.withUnsafeBufferPointer {
                X509_NAME_add_entry_by_NID(name, nid, V_ASN1_UTF8STRING, $0.baseAddress, Int32($0.count), -1, 0)
            }
            guard added == 1 else {
                X509_NAME_free(name)
                throw .openSSL("cannot put \(String(reflecting: value)) into the subject")
            }
        }
        return name
    }
}
