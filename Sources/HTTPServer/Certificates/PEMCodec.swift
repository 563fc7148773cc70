import COpenSSL

/// PEM text to and from OpenSSL objects. Every function returns an object the caller owns and frees
/// (`X509_free`, `EVP_PKEY_free`), or a Swift string.
enum PEMCodec {
    /// The first certificate in `pem`.
    static func readCertificate(_ pem: String) throws(CertificateError) -> OpaquePointer {
        let certificate = withMemoryBIO(pem) { PEM_read_bio_X509($0, nil, nil, nil) }
        guard let certificate else { throw .openSSL("no certificate in the PEM data") }
        return certificate
    }

    /// The first private key in `pem` (PKCS#8 or a traditional format; unencrypted).
    static func readPrivateKey(_ pem: String) throws(CertificateError) -> OpaquePointer {
        // A nil password callback would prompt on the terminal for an encrypted key: refuse instead.
        let key = withMemoryBIO(pem) { PEM_read_bio_PrivateKey($0, nil, { _, _, _, _ in -1 }, nil) }
        guard let key else { throw .openSSL("no unencrypted private key in the PEM data") }
        return key
    }

    static func write(certificate: OpaquePointer) throws(CertificateError) -> String {
        try writePEM("certificate") { PEM_write_bio_X509($0, certificate) }
    }

    /// Unencrypted PKCS#8 (`-----BEGIN PRIVATE KEY-----`).
    static func write(privateKey: OpaquePointer) throws(CertificateError) -> String {
        try writePEM("private key") { PEM_write_bio_PKCS8PrivateKey($0, privateKey, nil, nil, 0, nil, nil) }
    }

    /// Runs `body` with a read-only memory BIO over `text`'s bytes; nil if the BIO cannot be made.
    private static func withMemoryBIO(_ text: String, _ body: (OpaquePointer) -> OpaquePointer?) -> OpaquePointer? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw -> OpaquePointer? in
            guard raw.count <= Int32.max, let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }

    /// Runs `body` against an empty memory BIO and returns what it wrote.
    private static func writePEM(_ what: String, _ body: (OpaquePointer) -> Int32) throws(CertificateError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw .openSSL("cannot allocate a memory BIO") }
        defer { BIO_free(bio) }
        guard body(bio) == 1 else { throw .openSSL("cannot write the \(what) as PEM") }
        var bytes = [UInt8](repeating: 0, count: cssl_bio_pending(bio))
        let count = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32($0.count)) }
        guard count == bytes.count else { throw .openSSL("cannot read the \(what) PEM back") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
