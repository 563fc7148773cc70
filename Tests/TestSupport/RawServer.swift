import Foundation

/// A blocking TCP server for answers a real HTTP server does not give: a body that ends with the
/// connection, an interim 1xx, bytes after the answer, a kept connection closed just as a request
/// comes. Each accepted connection runs `script` on a thread of its own.
public final class RawServer: @unchecked Sendable {
    // @unchecked: the listening fd is set once; the count is behind a lock.
    public let port: Int
    private let listener: Int32
    private let accepted = NSLock()
    private var count = 0

    public init(script: @escaping @Sendable (_ connection: RawConnection, _ index: Int) -> Void) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw TestSupportError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound, listen(listener, 16) == 0 else {
            close(listener)
            throw TestSupportError("bind or listen failed: errno \(errno)")
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                let fd = accept(listener, nil, nil)
                guard fd >= 0 else { return }
                let index = accepted.withLock { () -> Int in
                    count += 1
                    return count - 1
                }
                Thread.detachNewThread { script(RawConnection(fd: fd), index) }
            }
        }
    }

    /// Connections accepted so far.
    public var connections: Int { accepted.withLock { count } }

    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}

/// One accepted connection of a `RawServer`. Reads time out after 10 s so a test cannot hang.
public final class RawConnection: @unchecked Sendable {
    // @unchecked: used by the one thread that runs its script.
    private let fd: Int32
    private var pending: [UInt8] = []
    /// Reads that brought bytes: requests pipelined in one write arrive in one.
    public private(set) var reads = 0

    init(fd: Int32) {
        self.fd = fd
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { Glibc.close(fd) }

    /// The next request's head (up to the blank line, without it) after reading its body, if it has
    /// a Content-Length; nil when the client closed first.
    public func readRequest() -> String? {
        let end = Array("\r\n\r\n".utf8)
        while true {
            if let range = pending.firstRange(of: end) {
                let head = String(decoding: pending[..<range.lowerBound], as: UTF8.self)
                let length = head.split(separator: "\r\n")
                    .first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                while pending.count < range.upperBound + length { guard fill() else { return nil } }
                pending.removeFirst(range.upperBound + length)
                return head
            }
            guard fill() else { return nil }
        }
    }

    private func fill() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        reads += 1
        pending += buffer[..<n]
        return true
    }

    public func send(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    /// Waits until the client closes its end (or the read timeout passes).
    public func waitForClose() {
        while fill() {}
    }
}
