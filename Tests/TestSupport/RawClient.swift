import Foundation

/// A blocking TCP client for the cases a real HTTP client refuses to produce: malformed requests,
/// pipelined requests, byte-at-a-time headers. Every read has a timeout so a test cannot hang.
public final class RawClient: @unchecked Sendable {
    // @unchecked: a RawClient is used by one test at a time; the fd is only closed in close()/deinit.
    private var fd: Int32
    /// Receives that returned bytes: how many pieces the peer's answers arrived in.
    public private(set) var reads = 0

    public init(port: Int, host: String = "127.0.0.1", readTimeout: Double = 30) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close()
            throw TestSupportError("connect to \(host):\(port) failed: errno \(errno)")
        }
        var timeout = timeval(tv_sec: Int(readTimeout), tv_usec: Int((readTimeout - Double(Int(readTimeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestSupportError("send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// How many bytes have arrived and not been read, without waiting for any.
    public func bytesWaiting() -> Int {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_PEEK | MSG_DONTWAIT)) }
        return max(n, 0)
    }

    /// Reads until the peer closes or the read timeout passes; returns what arrived and whether it closed.
    public func readUntilClose() -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { received += buffer[..<n]; continue }
            return (String(decoding: received, as: UTF8.self), n == 0 || errno == ECONNRESET)
        }
    }

    /// Reads until `text` holds `count` occurrences of `marker` (e.g. complete responses), or times out.
    public func read(until marker: String, occurrences count: Int = 1) -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while String(decoding: received, as: UTF8.self).components(separatedBy: marker).count - 1 < count {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            reads += 1
            received += buffer[..<n]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
