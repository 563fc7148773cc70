import Kube

/// A small flag reader shared by the commands: `--name value`, `--name=value`, boolean flags with an
/// optional `=true|false`, and one clear line for anything it cannot take.
struct Flags {
    private var arguments: [String]
    private var index = 0

    init(_ arguments: some Sequence<String>) { self.arguments = Array(arguments) }

    /// The next flag's name (without its `=value`), or nil at the end. A word that is not a flag fails.
    mutating func next() -> String? {
        guard index < arguments.count else { return nil }
        let word = arguments[index]
        guard word.hasPrefix("-") else { fail("unexpected argument: \(word)") }
        return word.split(separator: "=", maxSplits: 1).first.map(String.init)
    }

    /// The current flag's value: after `=` or the next word.
    mutating func value(_ flag: String) -> String {
        let word = arguments[index]
        index += 1
        if let equals = word.firstIndex(of: "=") { return String(word[word.index(after: equals)...]) }
        guard index < arguments.count else { fail("flag \(flag) needs a value") }
        defer { index += 1 }
        return arguments[index]
    }

    /// A boolean flag: bare means true; `=false` turns it off.
    mutating func bool(_ flag: String) -> Bool {
        let word = arguments[index]
        index += 1
        guard let equals = word.firstIndex(of: "=") else { return true }
        switch word[word.index(after: equals)...] {
        case "true": return true
        case "false": return false
        default: fail("flag \(flag) takes true or false, got \(word[word.index(after: equals)...])")
        }
    }

    mutating func int(_ flag: String, in range: ClosedRange<Int>) -> Int {
        let text = value(flag)
        guard let number = Int(text), range.contains(number) else {
            fail("\(flag) must be a whole number in \(range.lowerBound)…\(range.upperBound), got \(text)")
        }
        return number
    }

    mutating func double(_ flag: String) -> Double {
        let text = value(flag)
        guard let number = Double(text), number >= 0 else { fail("\(flag) must be a number ≥ 0, got \(text)") }
        return number
    }

    /// A Go duration such as `1m`, `30s`, `1m30s`, `500ms`.
    mutating func duration(_ flag: String) -> Duration {
        let text = value(flag)
        guard let duration = GoDuration.parse(text), duration > .zero else {
            fail("\(flag) must be a positive duration such as 1m or 30s, got \(text)")
        }
        return duration
    }
}
