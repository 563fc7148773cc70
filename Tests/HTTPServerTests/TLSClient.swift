import COpenSSL
import Foundation

/// A blocking TLS client over a plain socket, for raw bytes after an HTTP upgrade (curl cannot do that).
final class TLSClient: @unchecked Sendable {
    // @unchecked: used by one test at a time, from one thread at a time.
    private let fd: Int32
    private let context: OpaquePointer
    private let ssl: OpaquePointer

    init(port: Int, caFile: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        context = SSL_CTX_new(TLS_client_method())!
        SSL_CTX_load_verify_locations(context, caFile, nil)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        ssl = SSL_new(context)!
        SSL_set_fd(ssl, fd)
        // On failure, deinit (which runs: every property is set) frees and closes.
        guard connected == 0, SSL_connect(ssl) == 1 else { throw TLSClientError(description: "TLS connect failed") }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
        Glibc.close(fd)
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
    }

    /// Reads until `marker` has arrived (or the peer closes / the read times out).
    func read(until marker: String) -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while !String(decoding: received, as: UTF8.self).contains(marker) {
            let n = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            guard n > 0 else { break }
            received += buffer[..<Int(n)]
        }
        return String(decoding: received, as: UTF8.self)
    }
}

struct TLSClientError: Error, CustomStringConvertible {
    let description: String
}
