import Glibc
import Loop

/// The `Date` header line, formatted at most once per second.
@LoopActor
enum HTTPDate {
    private static var second = -1
    private static var line: [UInt8] = []

    /// "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
    static var headerLine: [UInt8] {
        let now = time(nil)
        if now != second {
            second = now
            line = format(now)
        }
        return line
    }

    private static func format(_ seconds: time_t) -> [UInt8] {
        var t = seconds
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let text = "Date: \(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT\r\n"
        return Array(text.utf8)
    }
}
