import Foundation
import Glibc

/// CPU time and resident memory of a process, read from /proc (Linux).
struct ProcessUsage: Sendable {
    /// User + system CPU time so far.
    var cpuSeconds: Double
    var residentBytes: Int

    /// Nil when the process is gone or /proc cannot be read.
    static func read(pid: Int32 = getpid()) -> ProcessUsage? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let rssLine = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
        let kilobytes = rssLine?.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return ProcessUsage(cpuSeconds: (user + system) / ticks, residentBytes: kilobytes * 1024)
    }
}
