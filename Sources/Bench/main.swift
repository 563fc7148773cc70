import Glibc
import HTTP
import HTTPClient
import HTTPServer
import Loop

// node-agent-bench: the two halves of scripts/bench-http.sh, the Swift client of scripts/heartbeat-floor.sh, and more.
//   serve  --port P [--tls-port Q --cert FILE --key FILE]   answers GET /healthz with "ok" until SIGINT/SIGTERM
//   client --url URL [--requests N] [--concurrency C]        prints client_rps=… for N GETs, C at a time
//   heartbeat --url URL --ca FILE [--rate R] [--seconds S]   the client's CPU under heartbeat traffic

/// Writes a line straight to the file descriptor: unbuffered, so the script sees it at once.
func emit(_ text: String, to fd: Int32 = STDOUT_FILENO) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    emit("node-agent-bench: \(message)", to: STDERR_FILENO)
    exit(2)
}

func options(_ arguments: ArraySlice<String>) -> [String: String] {
    var result: [String: String] = [:]
    var iterator = arguments.makeIterator()
    while let flag = iterator.next() {
        guard flag.hasPrefix("--"), let value = iterator.next() else { fail("expected --flag value, got \(flag)") }
        result[String(flag.dropFirst(2))] = value
    }
    return result
}

func integer(_ options: [String: String], _ name: String, default value: Int) -> Int {
    guard let text = options[name] else { return value }
    guard let number = Int(text), number > 0 else { fail("--\(name) needs a positive integer, got \(text)") }
    return number
}

@LoopActor
func serve(_ options: [String: String]) async {
    var router = Router()
    router.get("/healthz") { _ in HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: Array("ok".utf8)) }
    var servers: [HTTPServer] = []
    do {
        var plain = HTTPServerConfiguration()
        plain.port = integer(options, "port", default: 8080)
        servers.append(try HTTPServer(configuration: plain, router: router))
        if let tlsPort = options["tls-port"] {
            guard let cert = options["cert"], let key = options["key"] else { fail("--tls-port needs --cert and --key") }
            var secure = HTTPServerConfiguration()
            secure.port = Int(tlsPort) ?? 0
            secure.tls = TLSConfiguration(certificateChain: .file(cert), privateKey: .file(key))
            servers.append(try HTTPServer(configuration: secure, router: router))
        }
        for server in servers { try server.start() }
    } catch {
        fail("\(error)")
    }
    emit("serving on ports \(servers.map { String($0.port) }.joined(separator: ","))")
    _ = await Signals.shutdownRequested()
    for server in servers { await server.stop(gracePeriod: .seconds(1)) }
}

/// Shared by the client workers, all on the loop.
@LoopActor
final class Tally {
    let total: Int
    var issued = 0
    var failures: [String] = []
    init(total: Int) { self.total = total }

    func next() -> Bool {
        guard issued < total else { return false }
        issued += 1
        return true
    }
}

@LoopActor
func client(_ options: [String: String]) async {
    guard let url = options["url"] else { fail("client needs --url") }
    let tally = Tally(total: integer(options, "requests", default: 10_000))
    let concurrency = integer(options, "concurrency", default: 50)
    let client = HTTPClient()
    let clock = ContinuousClock()
    let started = clock.now
    let hopsBefore = EventLoop.shared.crossThreadJobs
    // Workers run on the loop, as a loop-resident caller (an informer, a node's heartbeat) would.
    let workers = (0..<concurrency).map { _ in
        Task { @LoopActor in
            while tally.next() {
                do {
                    let response = try await client.execute(HTTPClientRequest(url: url))
                    if response.status != .ok { tally.failures.append("status \(response.status)") }
                } catch {
                    tally.failures.append("\(error)")
                }
            }
        }
    }
    for worker in workers { await worker.value }
    let elapsed = (clock.now - started).seconds
    let hops = EventLoop.shared.crossThreadJobs - hopsBefore
    client.shutdown()
    guard tally.failures.isEmpty else { fail("\(tally.failures.count) requests failed, first: \(tally.failures[0])") }
    emit("client_requests=\(tally.total) client_concurrency=\(concurrency) client_seconds=\(elapsed)")
    emit("cross_thread_jobs_per_request=\(Double(hops) / Double(tally.total))")
    emit("client_rps=\(Int(Double(tally.total) / elapsed))")
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "serve": await serve(options(arguments.dropFirst()))
case "client": await client(options(arguments.dropFirst()))
case "heartbeat": await heartbeatBench(options(arguments.dropFirst()))
case "controlplane": await controlPlaneBench(options(arguments.dropFirst()))
case "controlplane-load": await controlPlaneLoad(options(arguments.dropFirst()))
case "codec": codecBench(options(arguments.dropFirst()))
case "pod-memory": podMemoryBench(options(arguments.dropFirst()))
default: fail("usage: node-agent-bench serve|client|heartbeat|controlplane|controlplane-load|codec|pod-memory [--flag value …]")
}
