import Foundation
import HTTP
import HTTPServer
import Loop
import TestSupport
import Testing

/// Builds and starts a server on an ephemeral port.
@LoopActor
func startServer(
    _ router: Router, _ configure: (inout HTTPServerConfiguration) -> Void = { _ in }
) throws -> HTTPServer {
    var configuration = HTTPServerConfiguration()
    configure(&configuration)
    let server = try HTTPServer(configuration: configuration, router: router)
    try server.start()
    return server
}

/// Runs blocking client code on a thread of its own: never on the loop thread, and never on the
/// cooperative pool, which has as few threads as cores and would starve while clients block.
func offLoop<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}

/// Sends `request` on a fresh connection and reads until the server closes it.
func exchange(port: Int, _ request: String) async throws -> (text: String, closed: Bool) {
    try await offLoop {
        let client = try RawClient(port: port)
        try client.send(request)
        return client.readUntilClose()
    }
}

/// Whether a TCP connection to 127.0.0.1:`port` is accepted. (Not `RawClient`: its failing init
/// closes its socket twice, which can close a descriptor another test has just opened.)
func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}

/// Values reported by handlers, read in order by the test.
final class Reports<Value: Sendable>: Sendable {
    private let stream: AsyncStream<Value>
    private let continuation: AsyncStream<Value>.Continuation

    init() { (stream, continuation) = AsyncStream<Value>.makeStream(bufferingPolicy: .unbounded) }

    func send(_ value: Value) { continuation.yield(value) }

    func next() async -> Value? {
        for await value in stream { return value }
        return nil
    }
}

/// A thread-safe counter for handler invocations.
final class Counter: Sendable {
    private let value = Locked(0)
    func increment() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

/// The status line and body of a single raw response (body after the blank line, undecoded).
func split(_ text: String) -> (head: String, body: String) {
    guard let range = text.range(of: "\r\n\r\n") else { return (text, "") }
    return (String(text[..<range.lowerBound]), String(text[range.upperBound...]))
}

/// Certificates are made once per test run.
let sharedCertificates: Result<TestCertificates, any Error> = Result { try TestCertificates.make() }

struct CurlResult: Sendable {
    var exitCode: Int32
    var output: String
    var errors: String
}

/// Runs /usr/bin/curl with a timeout; `-sS` and `--noproxy *` are always passed.
func curl(_ arguments: [String]) async throws -> CurlResult {
    try await offLoop {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        // A proxy from the environment (CI may set one) could not reach the test servers on loopback.
        process.arguments = ["-sS", "--noproxy", "*", "--max-time", "60"] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let waitForExit = try process.launchForWaiting()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        waitForExit()
        return CurlResult(
            exitCode: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
            errors: String(decoding: err, as: UTF8.self))
    }
}
