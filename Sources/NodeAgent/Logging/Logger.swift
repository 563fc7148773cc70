import Glibc
import Kube

/// Structured logs on standard error, one line per record: `--log-format text` for people,
/// `json` for log collectors; records below `--log-level` are dropped before any formatting.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case debug, info, warning, error

        public init?(name: String) {
            guard let level = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
            self = level
        }

        public var name: String {
            switch self {
            case .debug: "debug"
            case .info: "info"
            case .warning: "warning"
            case .error: "error"
            }
        }

        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    public enum Format: String, Sendable {
        case text, json
    }

    public var level: Level
    public var format: Format
    private let sink: @Sendable (String) -> Void

    /// `sink` receives each finished line (with its newline); the default writes it to standard error.
    public init(level: Level = .info, format: Format = .text, sink: @escaping @Sendable (String) -> Void = Logger.standardError) {
        self.level = level
        self.format = format
        self.sink = sink
    }

    /// Drops everything: for tests and benchmarks that do not read the log.
    public static let silent = Logger(level: .error) { _ in }

    public func debug(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]) {
        log(.debug, message(), fields)
    }
    public func info(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]) {
        log(.info, message(), fields)
    }
    public func warning(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]) {
        log(.warning, message(), fields)
    }
    public func error(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]) {
        log(.error, message(), fields)
    }

    public func log(_ level: Level, _ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]) {
        guard level >= self.level else { return }
        sink(line(level, message(), fields, time: MicroTime.now()))
    }

    func line(_ level: Level, _ message: String, _ fields: KeyValuePairs<String, String>, time: MicroTime) -> String {
        switch format {
        case .text:
            var line = "\(time.rfc3339) \(level.name.uppercased()) \(message)"
            for (key, value) in fields {
                let quoted = value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" })
                line += " \(key)=" + (quoted ? JSONValue.string(value).text : value)
            }
            return line + "\n"
        case .json:
            var object: JSONObject = ["time": .string(time.rfc3339), "level": .string(level.name), "msg": .string(message)]
            for (key, value) in fields { object[key] = .string(value) }
            return JSONValue.object(object).text + "\n"
        }
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
