import COpenSSL
import HTTP

/// One server-side TLS connection over two memory BIOs: ciphertext from the socket is fed into the
/// read BIO and plaintext read out; plaintext written is encrypted into the write BIO, which the
/// connection drains into the socket.
final class TLSSession {
    enum ReadResult {
        case data(Int)
        /// Needs more ciphertext.
        case wantMore
        /// The peer sent close_notify.
        case closed
        case failed(String)
    }

    private let ssl: OpaquePointer
    private let readBIO: OpaquePointer
    private let writeBIO: OpaquePointer
    private(set) var handshakeComplete = false
    private(set) var failed = false
    private var shutdownSent = false

    init?(context: TLSContext) {
        guard let ssl = SSL_new(context.context) else { return nil }
        guard let readBIO = BIO_new(BIO_s_mem()), let writeBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            return nil
        }
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
        SSL_set_bio(ssl, readBIO, writeBIO)  // the SSL owns both BIOs from here
        SSL_set_accept_state(ssl)
    }

    deinit { SSL_free(ssl) }

    /// Ciphertext from the socket.
    func feed(_ ciphertext: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < ciphertext.count {
            let n = BIO_write(readBIO, ciphertext.baseAddress! + offset, Int32(min(ciphertext.count - offset, Int(Int32.max))))
            guard n > 0 else { return }
            offset += Int(n)
        }
    }

    /// Drives the handshake and decrypts into `buffer`.
    ///
    /// The error queue is not cleared before every call (that costs a thread-local lookup per call):
    /// SSL_read's result never depends on it, only SSL_get_error's reading of a failure does, so a
    /// failure is classified again with a clean queue before it is believed.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> ReadResult {
        guard !failed else { return .failed("TLS session already failed") }
        if handshakeComplete, SSL_has_pending(ssl) == 0, cssl_bio_pending(readBIO) == 0 { return .wantMore }
        var retried = false
        while true {
            let n = SSL_read(ssl, buffer.baseAddress, Int32(buffer.count))
            if !handshakeComplete, SSL_is_init_finished(ssl) == 1 { handshakeComplete = true }
            if n > 0 { return .data(Int(n)) }
            let error = SSL_get_error(ssl, n)
            if error == cssl_error_want_read() || error == cssl_error_want_write() { return .wantMore }
            if error == cssl_error_zero_return() { return .closed }
            if !retried {
                // Possibly a stale error left on this thread by other OpenSSL users: retry once with
                // a clean queue (a retry after a real failure fails the same way).
                retried = true
                ERR_clear_error()
                continue
            }
            failed = true
            return .failed(tlsErrorString())
        }
    }

    /// Encrypts plaintext into the write BIO; false when the session is broken.
    func write(_ plaintext: UnsafeRawBufferPointer) -> Bool {
        guard !failed else { return false }
        var offset = 0
        while offset < plaintext.count {
            let n = SSL_write(ssl, plaintext.baseAddress! + offset, Int32(min(plaintext.count - offset, 1 << 30)))
            guard n > 0 else {
                failed = true
                return false
            }
            offset += Int(n)
        }
        return true
    }

    /// Queues close_notify (once, and only on a healthy, established session).
    func shutdown() {
        guard handshakeComplete, !failed, !shutdownSent else { return }
        shutdownSent = true
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    var hasCiphertext: Bool { cssl_bio_pending(writeBIO) > 0 }

    /// Moves all pending ciphertext to the end of `buffer`.
    func drainCiphertext(into buffer: ByteBuffer) {
        while case let pending = cssl_bio_pending(writeBIO), pending > 0 {
            let chunk = min(pending, 1 << 30)
            let n = BIO_read(writeBIO, buffer.writableTail(chunk), Int32(chunk))
            guard n > 0 else { return }
            buffer.didWrite(Int(n))
        }
    }

    /// The verified client certificate's subject, when the client sent one that verified.
    func peer() -> TLSPeer? {
        guard let certificate = SSL_get0_peer_certificate(ssl), SSL_get_verify_result(ssl) == X509_V_OK else {
            return nil
        }
        guard let subject = X509_get_subject_name(certificate) else { return nil }
        let commonNames = entries(of: subject, nid: cssl_nid_common_name())
        return TLSPeer(commonName: commonNames.last, organizations: entries(of: subject, nid: cssl_nid_organization()))
    }

    private func entries(of name: OpaquePointer, nid: Int32) -> [String] {
        var values: [String] = []
        var index: Int32 = -1
        while true {
            index = X509_NAME_get_index_by_NID(name, nid, index)
            guard index >= 0 else { break }
            guard let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry) else { continue }
            var utf8: UnsafeMutablePointer<UInt8>?
            let length = ASN1_STRING_to_UTF8(&utf8, data)
            if length >= 0, let utf8 {
                values.append(String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self))
                CRYPTO_free(utf8, nil, 0)
            }
        }
        return values
    }
}
