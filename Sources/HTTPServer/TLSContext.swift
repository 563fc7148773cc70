import COpenSSL
import Glibc
import HTTP

/// An `SSL_CTX` built from a `TLSConfiguration`: serving chain, key, client-CA verification, TLS ≥ 1.2,
/// ALPN http/1.1. Immutable once built; sessions are created from it on the loop.
final class TLSContext {
    let context: OpaquePointer

    init(_ configuration: TLSConfiguration) throws(HTTPServerError) {
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw .tls("cannot create SSL context: \(tlsErrorString())")
        }
        self.context = context
        cssl_ctx_set_min_tls12(context)
        _ = cssl_ctx_set_server_options(context)
        // Not SSL_MODE_RELEASE_BUFFERS (cssl_ctx_set_release_buffers): with memory BIOs every record
        // would free and reallocate OpenSSL's buffers; keeping them costs ~34 KB per connection.
        let sessionContext: StaticString = "node-agent"
        SSL_CTX_set_session_id_context(context, sessionContext.utf8Start, UInt32(sessionContext.utf8CodeUnitCount))
        SSL_CTX_set_alpn_select_cb(context, { _, out, outLength, offered, offeredLength, _ in
            selectHTTP11(out, outLength, offered, offeredLength)
        }, nil)

        try loadChain(configuration.certificateChain)
        try loadKey(configuration.privateKey)
        if let clientCA = configuration.clientCA {
            try loadClientCA(clientCA)
            let mode = configuration.requireClientCertificate ? cssl_verify_peer_required() : cssl_verify_peer()
            SSL_CTX_set_verify(context, mode, nil)
        } else if configuration.requireClientCertificate {
            throw .tls("requireClientCertificate needs clientCA to verify client certificates against")
        } else {
            SSL_CTX_set_verify(context, cssl_verify_none(), nil)
        }
        ERR_clear_error()
    }

    deinit { SSL_CTX_free(context) }

    private func loadChain(_ source: PEMSource) throws(HTTPServerError) {
        var certificates = try readCertificates(source, what: "certificate")
        let leaf = certificates.removeFirst()
        defer { X509_free(leaf) }
        guard SSL_CTX_use_certificate(context, leaf) == 1 else {
            certificates.forEach { X509_free($0) }
            throw .tls("cannot use certificate \(describe(source)): \(tlsErrorString())")
        }
        for (index, intermediate) in certificates.enumerated() where cssl_ctx_add_extra_chain_cert(context, intermediate) != 1 {
            certificates[index...].forEach { X509_free($0) }
            throw .tls("cannot add chain certificate from \(describe(source)): \(tlsErrorString())")
        }
    }

    private func loadKey(_ source: PEMSource) throws(HTTPServerError) {
        let pem = try readPEM(source, what: "private key")
        let key: OpaquePointer? = pem.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else { throw .tls("no private key in \(describe(source)): \(tlsErrorString())") }
        defer { EVP_PKEY_free(key) }
        if let certificate = SSL_CTX_get0_certificate(context), X509_check_private_key(certificate, key) != 1 {
            ERR_clear_error()
            throw .tls("private key \(describe(source)) does not match the certificate")
        }
        guard SSL_CTX_use_PrivateKey(context, key) == 1 else {
            throw .tls("cannot use private key \(describe(source)): \(tlsErrorString())")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw .tls("private key \(describe(source)) does not match the certificate: \(tlsErrorString())")
        }
    }

    private func loadClientCA(_ source: PEMSource) throws(HTTPServerError) {
        let certificates = try readCertificates(source, what: "client CA")
        defer { certificates.forEach { X509_free($0) } }
        let store = SSL_CTX_get_cert_store(context)
        for certificate in certificates {
            guard X509_STORE_add_cert(store, certificate) == 1, SSL_CTX_add_client_CA(context, certificate) == 1 else {
                throw .tls("cannot use client CA \(describe(source)): \(tlsErrorString())")
            }
        }
    }
}

/// Every certificate in a PEM source, in order; the caller frees them.
private func readCertificates(_ source: PEMSource, what: String) throws(HTTPServerError) -> [OpaquePointer] {
    let pem = try readPEM(source, what: what)
    let certificates: [OpaquePointer] = pem.withUnsafeBytes { raw in
        guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return [] }
        defer { BIO_free(bio) }
        var found: [OpaquePointer] = []
        while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) { found.append(certificate) }
        return found
    }
    ERR_clear_error()  // reading stops with a "no start line" error at the end
    guard !certificates.isEmpty else { throw .tls("no \(what) found in \(describe(source))") }
    return certificates
}

private func readPEM(_ source: PEMSource, what: String) throws(HTTPServerError) -> [UInt8] {
    switch source {
    case .pem(let text):
        return Array(text.utf8)
    case .file(let path):
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .tls("cannot read \(what) \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw .tls("cannot read \(what) \(path): \(String(cString: strerror(errno)))")
            }
            contents += chunk[..<n]
        }
        return contents
    }
}

private func describe(_ source: PEMSource) -> String {
    switch source {
    case .file(let path): path
    case .pem: "PEM data"
    }
}

/// The OpenSSL error queue as one line (and cleared), or "unknown error".
func tlsErrorString() -> String {
    var messages: [String] = []
    while case let code = ERR_get_error(), code != 0 {
        var buffer = [UInt8](repeating: 0, count: 256)
        buffer.withUnsafeMutableBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { ERR_error_string_n(code, $0.baseAddress, $0.count) }
        }
        messages.append(String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self))
    }
    return messages.isEmpty ? "unknown error" : messages.joined(separator: "; ")
}

/// ALPN: pick http/1.1 when offered; otherwise continue without ALPN.
private func selectHTTP11(
    _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, _ outLength: UnsafeMutablePointer<UInt8>?,
    _ offered: UnsafePointer<UInt8>?, _ offeredLength: UInt32
) -> Int32 {
    guard let out, let outLength, let offered else { return SSL_TLSEXT_ERR_NOACK }
    let wanted: StaticString = "http/1.1"
    var index = 0
    while index < Int(offeredLength) {
        let length = Int(offered[index])
        let name = offered + index + 1
        if length == wanted.utf8CodeUnitCount, index + 1 + length <= Int(offeredLength),
            memcmp(name, wanted.utf8Start, length) == 0
        {
            out.pointee = name
            outLength.pointee = UInt8(length)
            return SSL_TLSEXT_ERR_OK
        }
        index += 1 + length
    }
    return SSL_TLSEXT_ERR_NOACK
}
