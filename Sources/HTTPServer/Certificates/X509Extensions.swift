import COpenSSL

extension X509Builder {
    /// The v3 extensions. CA: basicConstraints critical CA:TRUE, keyUsage critical keyCertSign +
    /// cRLSign + digitalSignature, subjectKeyIdentifier. Leaf: basicConstraints critical CA:FALSE,
    /// keyUsage critical digitalSignature + keyEncipherment, extendedKeyUsage, subjectAltName,
    /// subjectKeyIdentifier, and authorityKeyIdentifier when a CA issued it.
    static func addExtensions(
        _ request: CertificateRequest, to certificate: OpaquePointer, issuer: OpaquePointer?
    ) throws(CertificateError) {
        // The context tells OpenSSL where to take the key identifiers from. Zero-initialised is
        // what X509V3_set_ctx_nodb would do (no config database).
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer ?? certificate, certificate, nil, nil, 0)

        switch request.kind {
        case .authority:
            try add(NID_basic_constraints, "critical,CA:TRUE", to: certificate, &context)
            try add(NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature", to: certificate, &context)
            try add(NID_subject_key_identifier, "hash", to: certificate, &context)
        case .leaf(let usage):
            try add(NID_basic_constraints, "critical,CA:FALSE", to: certificate, &context)
            try add(NID_key_usage, "critical,digitalSignature,keyEncipherment", to: certificate, &context)
            let purposes = [(CertificateUsage.serverAuth, "serverAuth"), (.clientAuth, "clientAuth")]
                .filter { usage.contains($0.0) }.map(\.1)
            if !purposes.isEmpty {
                try add(NID_ext_key_usage, purposes.joined(separator: ","), to: certificate, &context)
            }
            try addSubjectAltName(request, to: certificate)
            try add(NID_subject_key_identifier, "hash", to: certificate, &context)
            // A self-signed leaf names no authority: RFC 5280 lets it leave the identifier out. "keyid,issuer":
            // the CA's key identifier, or its name and serial for a loaded CA without one.
            if issuer != nil {
                try add(NID_authority_key_identifier, "keyid,issuer", to: certificate, &context)
            }
        }
    }

    /// One extension from OpenSSL's configuration syntax. Only called with the constant values above.
    private static func add(
        _ nid: Int32, _ value: String, to certificate: OpaquePointer, _ context: inout X509V3_CTX
    ) throws(CertificateError) {
        guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
            throw .openSSL("cannot make the \(String(cString: OBJ_nid2sn(nid))) extension")
        }
        defer { X509_EXTENSION_free(ext) }
        guard X509_add_ext(certificate, ext, -1) == 1 else {
            throw .openSSL("cannot add the \(String(cString: OBJ_nid2sn(nid))) extension")
        }
    }

    /// subjectAltName with the DNS names then the IP addresses (IPv4 or IPv6 text), built entry by
    /// entry rather than through the configuration syntax, so that no name can smuggle in a comma
    /// or another entry type. Left out when there are no names.
    private static func addSubjectAltName(_ request: CertificateRequest, to certificate: OpaquePointer) throws(CertificateError) {
        guard !request.dnsNames.isEmpty || !request.ipAddresses.isEmpty else { return }
        guard let names = cssl_general_names_new() else { throw .openSSL("cannot allocate the subjectAltName") }
        defer { GENERAL_NAMES_free(names) }
        let entries = request.dnsNames.map { (GEN_DNS, $0, "DNS name") } + request.ipAddresses.map { (GEN_IPADD, $0, "IP address") }
        for (type, value, what) in entries {
            // Parses and validates (a2i_IPADDRESS for IP addresses); nil for a malformed value.
            guard let name = a2i_GENERAL_NAME(nil, nil, nil, type, value, 0) else {
                throw .openSSL("invalid \(what) \(String(reflecting: value))")
            }
            guard cssl_general_names_push(names, name) > 0 else {
                GENERAL_NAME_free(name)
                throw .openSSL("cannot add \(String(reflecting: value)) to the subjectAltName")
            }
        }
        guard X509_add1_ext_i2d(certificate, NID_subject_alt_name, UnsafeMutableRawPointer(names), 0, UInt(X509V3_ADD_DEFAULT)) == 1 else {
            throw .openSSL("cannot add the subjectAltName extension")
        }
    }
}
