import Glibc
import HTTP
import HTTPClient
import Loop

// `node-agent-bench heartbeat --url URL --ca FILE [--rate R] [--seconds S] [--bytes B]`: the agent's
// HTTP client alone under heartbeat traffic, for scripts/heartbeat-floor.sh to set beside bare libcurl.
// R PUTs a second of a B-byte body, started in batches every 100 ms (the heartbeat grid), each from a
// task of its own as a node's renewal is, to one lease path per node. After 2 s of warm-up, prints the
// process's CPU per request and as a share of one core over S seconds, in the C client's format.

@LoopActor
func heartbeatBench(_ options: [String: String]) async {
    guard let url = options["url"], let ca = options["ca"] else { fail("heartbeat needs --url and --ca") }
    let rate = integer(options, "rate", default: 1167)
    let seconds = integer(options, "seconds", default: 20)
    let body = [UInt8](repeating: UInt8(ascii: "x"), count: integer(options, "bytes", default: 560))
    var configuration = HTTPClientConfiguration()
    configuration.tls.certificateAuthority = .file(ca)
    configuration.proxy = .none
    let client = HTTPClient(configuration: configuration)
    let headers: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json"]

    var answered = 0, failed = 0, sequence = 0
    let clock = ContinuousClock()
    let start = clock.now
    var measuredFrom: ContinuousClock.Instant?
    var cpuFrom = 0.0
    var nextBatch = start
    while true {
        let now = clock.now
        if measuredFrom == nil, now - start >= .seconds(2) {
            measuredFrom = now
            cpuFrom = processCPUSeconds()
            answered = 0
            failed = 0
        }
        if let measuredFrom, now - measuredFrom >= .seconds(seconds) { break }
        for _ in 0..<rate / 10 {
            let request = HTTPClientRequest(method: .put, url: "\(url)-\(sequence % 10_000)", headers: headers, body: body)
            sequence += 1
            Task { @LoopActor in
                do {
                    if try await client.execute(request).status != .ok { failed += 1 }
                } catch {
                    failed += 1
                }
                answered += 1
            }
        }
        nextBatch += .milliseconds(100)
        try? await clock.sleep(until: nextBatch)
    }
    let elapsed = (clock.now - measuredFrom!).seconds
    let cpu = processCPUSeconds() - cpuFrom
    client.shutdown()
    emit("requests=\(answered) failed=\(failed) seconds=\(rounded(elapsed)) requests_per_second=\(Int(Double(answered) / elapsed))")
    emit("cpu_us_per_request=\(rounded(cpu / Double(answered) * 1e6)) cpu_percent_of_one_core=\(rounded(cpu / elapsed * 100))")
    if failed > 0 { exit(1) }
}

private func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    return user + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

private func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
