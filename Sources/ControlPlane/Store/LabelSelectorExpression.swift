/// A label selector as written in `?labelSelector=`: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
/// `a notin (x)`, `a`, `!a`, comma-separated (all must hold).
struct LabelSelectorExpression: Sendable, Equatable {
    enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)

        func matches(_ labels: [String: String]) -> Bool {
            switch self {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .isIn(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): !(labels[key].map(values.contains) ?? false)
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            }
        }
    }

    var requirements: [Requirement]

    func matches(_ labels: [String: String]) -> Bool { requirements.allSatisfy { $0.matches(labels) } }

    /// Parses the selector; errors read like the apiserver's ("unable to parse requirement: …").
    init(parsing text: String) throws(APIError) {
        var scanner = Scanner(text)
        requirements = []
        scanner.skipSpaces()
        while !scanner.atEnd {
            requirements.append(try scanner.requirement())
            scanner.skipSpaces()
            if scanner.atEnd { break }
            guard scanner.take(",") else { throw Scanner.error("found '\(scanner.rest.prefix(1))', expected: ','") }
            scanner.skipSpaces()
        }
    }

    private struct Scanner {
        var characters: [Character]
        var index = 0

        init(_ text: String) { characters = Array(text) }

        var atEnd: Bool { index >= characters.count }
        var rest: String { String(characters[index...]) }

        static func error(_ detail: String) -> APIError {
            .badRequest("unable to parse requirement: \(detail)")
        }

        mutating func skipSpaces() { while !atEnd, characters[index] == " " { index += 1 } }

        mutating func take(_ literal: String) -> Bool {
            let chars = Array(literal)
            guard index + chars.count <= characters.count, Array(characters[index..<index + chars.count]) == chars else { return false }
            index += chars.count
            return true
        }

        /// A key or value: anything up to a delimiter.
        mutating func word() -> String {
            let start = index
            while !atEnd, !" ,=!()".contains(characters[index]) { index += 1 }
            return String(characters[start..<index])
        }

        mutating func requirement() throws(APIError) -> Requirement {
            if take("!") {
                skipSpaces()
                let key = word()
                guard !key.isEmpty else { throw Self.error("found '\(rest.prefix(1))', expected: identifier") }
                return .doesNotExist(key)
            }
            let key = word()
            guard !key.isEmpty else { throw Self.error("found '\(rest.prefix(1))', expected: identifier") }
            skipSpaces()
            if atEnd || characters[index] == "," { return .exists(key) }
            if take("==") || take("=") { skipSpaces(); return .equals(key, word()) }
            if take("!=") { skipSpaces(); return .notEquals(key, word()) }
            if take("notin") { return .notIn(key, try valueSet()) }
            if take("in") { return .isIn(key, try valueSet()) }
            throw Self.error("found '\(rest.prefix(1))', expected: in, notin, =, ==, !=, gt, lt")
        }

        mutating func valueSet() throws(APIError) -> Set<String> {
            skipSpaces()
            guard take("(") else { throw Self.error("found '\(rest.prefix(1))', expected: '('") }
            var values: Set<String> = []
            while true {
                skipSpaces()
                values.insert(word())
                skipSpaces()
                if take(")") { return values }
                guard take(",") else { throw Self.error("found '\(rest.prefix(1))', expected: ',' or ')'") }
            }
        }
    }
}
