import ControlPlane
import Foundation
import HTTP
import HTTPClient
import Loop

/// `node-agent-bench controlplane`: the embedded API server in this process; a second process
/// (`controlplane-load`, as real clients would be) creates pods over HTTPS while its watchers stream
/// every event. Prints creates/s and watch events delivered/s.
@LoopActor
func controlPlaneBench(_ options: [String: String]) async {
    let pods = integer(options, "pods", default: 20_000)
    var settings = ControlPlaneOptions()
    settings.watchWindow = pods * 3
    let controlPlane: EmbeddedControlPlane
    do {
        controlPlane = try EmbeddedControlPlane(options: settings)
        try controlPlane.start()
    } catch {
        fail("cannot start the control plane: \(error)")
    }
    let caFile = NSTemporaryDirectory() + "/node-agent-bench-ca-\(getpid()).crt"
    do { try controlPlane.pki.authority.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8) } catch {
        fail("cannot write \(caFile): \(error)")
    }
    var arguments = ["controlplane-load", "--url", controlPlane.url, "--token", controlPlane.adminToken, "--ca", caFile]
    for (name, value) in options { arguments += ["--\(name)", value] }
    let load = Process()
    load.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    load.arguments = arguments
    // Not waitUntilExit: on Linux it spins a run loop, a whole core taken from the server.
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        load.terminationHandler = { _ in done.resume() }
        do { try load.run() } catch { fail("cannot start the load process: \(error)") }
    }
    try? FileManager.default.removeItem(atPath: caFile)
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    if let rss = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) {
        emit("server_rss_kib=\(rss.split(separator: " ").dropFirst().first ?? "?")")
    }
    try? await controlPlane.stop()
    if load.terminationStatus != 0 { exit(load.terminationStatus) }
}

/// The client half: creates and watchers against `--url`.
@LoopActor
func controlPlaneLoad(_ options: [String: String]) async {
    let pods = integer(options, "pods", default: 20_000)
    let concurrency = integer(options, "concurrency", default: 64)
    let watcherCount = integer(options, "watchers", default: 10)
    guard let base = options["url"], let token = options["token"], let ca = options["ca"] else {
        fail("controlplane-load needs --url, --token and --ca")
    }
    var configuration = HTTPClientConfiguration()
    configuration.tls = ClientTLSConfiguration(certificateAuthority: .file(ca))
    configuration.bearerToken = token
    configuration.maxIdleConnections = concurrency + watcherCount
    configuration.maxConnectionsPerHost = 0
    let client = HTTPClient(configuration: configuration)
    let nodeCount = options["nodes"].flatMap(Int.init) ?? 0
    if nodeCount > 0 { await createNodes(nodeCount, client: client, base: base, concurrency: concurrency) }

    // Watchers count newlines (one per event) until they have seen every create.
    let received = Counter()
    var streams: [HTTPClientStream] = []
    for _ in 0..<watcherCount {
        do {
            let stream = try await client.stream(HTTPClientRequest(url: base + "/api/v1/namespaces/default/pods?watch=true&resourceVersion=0"))
            streams.append(stream)
        } catch {
            fail("watch failed: \(error)")
        }
    }
    let watching = streams.map { stream in
        Task { @LoopActor in
            var seen = 0
            do {
                for try await chunk in stream {
                    let lines = newlines(in: chunk)
                    seen += lines
                    received.value += lines
                    if seen >= pods { break }
                }
            } catch {}
        }
    }

    let failures = Counter()
    let clock = ContinuousClock()
    let started = clock.now
    await createEach(pods, concurrency: concurrency, client: client, url: base + "/api/v1/namespaces/default/pods") { index in
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bench-\#(index)","labels":{"app":"bench"}},"spec":{"containers":[{"name":"c","image":"busybox","resources":{"requests":{"cpu":"10m"}}}]}}"#
    } failed: { failures.value += 1 }
    let createSeconds = (clock.now - started).seconds
    for task in watching { await task.value }
    let watchSeconds = (clock.now - started).seconds
    for stream in streams { await stream.cancel() }
    client.shutdown()
    guard failures.value == 0 else { fail("\(failures.value) creates failed") }
    emit("nodes=\(nodeCount) pods=\(pods) concurrency=\(concurrency) watchers=\(watcherCount)")
    emit("create_seconds=\(createSeconds) watch_seconds=\(watchSeconds)")
    emit("creates_per_second=\(Int(Double(pods) / createSeconds))")
    emit("watch_events_per_second=\(Int(Double(received.value) / watchSeconds))")
}

/// Nonisolated on purpose: a byte-counting closure written inside a `@LoopActor` task is itself
/// isolated, and Swift then checks the executor on every byte (most of the load process's CPU).
func newlines(in chunk: [UInt8]) -> Int {
    chunk.withUnsafeBufferPointer { bytes in
        var count = 0
        for byte in bytes where byte == UInt8(ascii: "\n") { count += 1 }
        return count
    }
}

@LoopActor
final class Counter {
    var value = 0
}

/// Ready nodes with room for many pods, so the scheduler binds every pod it is given.
@LoopActor
func createNodes(_ count: Int, client: HTTPClient, base: String, concurrency: Int) async {
    let clock = ContinuousClock()
    let started = clock.now
    await createEach(count, concurrency: concurrency, client: client, url: base + "/api/v1/nodes") { index in
        #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-\#(index)"},"status":{"conditions":[{"type":"Ready","status":"True"}],"allocatable":{"cpu":"64","memory":"256Gi","pods":"110"},"capacity":{"cpu":"64","memory":"256Gi","pods":"110"}}}"#
    } failed: { fail("node create failed") }
    emit("nodes_created=\(count) node_seconds=\((clock.now - started).seconds)")
}

/// POSTs `count` objects (`body(1)`…`body(count)`) to `url`, `concurrency` at a time; `failed` runs
/// for each that is not 201 Created.
@LoopActor
func createEach(
    _ count: Int, concurrency: Int, client: HTTPClient, url: String, body: @escaping @LoopActor (Int) -> String,
    failed: @escaping @LoopActor () -> Void
) async {
    let issued = Counter()
    let workers = (0..<concurrency).map { _ in
        Task { @LoopActor in
            while issued.value < count {
                issued.value += 1
                let request = HTTPClientRequest(
                    method: .post, url: url, headers: ["Content-Type": "application/json"], body: Array(body(issued.value).utf8))
                if (try? await client.execute(request))?.status != .created { failed() }
            }
        }
    }
    for worker in workers { await worker.value }
}
