import Foundation
import Yams

/// Finds and resolves the cluster configuration the way kubectl does.
public enum KubeConfig {
    /// Resolves a `ClusterConnection`. Precedence: `kubeconfigPath` (the `--kubeconfig` flag; only that
    /// file), else the `KUBECONFIG` list, else `~/.kube/config`, else the in-cluster service account.
    /// `context` (the `--context` flag) overrides the kubeconfig's `current-context`.
    public static func load(
        kubeconfigPath: String? = nil, context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String? = nil, inClusterRoot: String = "/"
    ) throws(KubeConfigError) -> ClusterConnection {
        let home = homeDirectory ?? environment["HOME"] ?? NSHomeDirectory()
        if let kubeconfigPath {
            let path = expandingHome(kubeconfigPath, home: home)
            guard fileExists(path) else { throw KubeConfigError(file: path, "file not found (from --kubeconfig)") }
            return try MergedKubeConfig(files: [(path, parseFile(path, home: home))]).resolve(context: context)
        }
        let listed = splitList(environment["KUBECONFIG"] ?? "", home: home)
        if !listed.isEmpty {
            // kubectl skips missing entries so one KUBECONFIG can serve machines with different files.
            let existing = listed.filter(fileExists)
            guard !existing.isEmpty else {
                throw KubeConfigError(
                    file: nil, "none of the files in KUBECONFIG exist: \(listed.joined(separator: ", "))")
            }
            var files: [(path: String, file: KubeConfigFile)] = []
            for path in existing { files.append((path, try parseFile(path, home: home))) }
            return try MergedKubeConfig(files: files).resolve(context: context)
        }
        let defaultPath = home + "/.kube/config"
        if fileExists(defaultPath) {
            return try MergedKubeConfig(files: [(defaultPath, parseFile(defaultPath, home: home))])
                .resolve(context: context)
        }
        if let inCluster = try InClusterConfig.load(environment: environment, root: inClusterRoot) {
            return inCluster
        }
        throw KubeConfigError(
            file: nil,
            "no configuration found: pass --kubeconfig, set KUBECONFIG, create \(defaultPath), "
                + "or run in a pod (KUBERNETES_SERVICE_HOST is not set)")
    }

    /// Reads and decodes one kubeconfig file, resolving the file paths in it against its directory.
    public static func parseFile(_ path: String, home: String? = nil) throws(KubeConfigError) -> KubeConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeConfigError(file: path, "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KubeConfigError(file: path, "not UTF-8 text")
        }
        var file: KubeConfigFile
        do {
            file = try decode(text)
        } catch {
            throw KubeConfigError(file: path, describe(error))
        }
        let directory = (path as NSString).deletingLastPathComponent
        let home = home ?? ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        file.resolvePaths(relativeTo: directory.isEmpty ? "." : directory, home: home)
        return file
    }

    /// Decodes kubeconfig text: JSON when it starts with `{`, else YAML. Empty text is an empty config.
    public static func decode(_ text: String) throws -> KubeConfigFile {
        try decode(KubeConfigFile.self, from: text, empty: KubeConfigFile())
    }

    /// Decodes a configuration document (a kubeconfig, a provider's config): JSON when it starts with
    /// `{`, else YAML; `empty` for a document with no content. Errors are described by `describe`.
    public static func decode<T: Decodable>(_ type: T.Type, from text: String, empty: T) throws -> T {
        let start = text.first { !$0.isWhitespace }
        if start == "{" {
            do {
                return try JSONDecoder().decode(T.self, from: Data(text.utf8))
            } catch {
                // Foundation only says "not valid JSON"; libyaml reads JSON syntax too and says where it breaks.
                if case DecodingError.dataCorrupted(let context) = error, context.codingPath.isEmpty {
                    _ = try Yams.compose(yaml: text)
                }
                throw error
            }
        }
        guard let node = try Yams.compose(yaml: text) else { return empty }
        return try YAMLDecoder().decode(T.self, from: node)
    }

    static func splitList(_ list: String, home: String) -> [String] {
        var seen = Set<String>()
        return list.split(separator: ":").map { expandingHome(String($0), home: home) }.filter {
            !$0.isEmpty && seen.insert($0).inserted
        }
    }

    static func expandingHome(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst() }
        return path
    }

    static func fileExists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// One line for a decoding failure, naming the field as a path (`users[0].user.token`).
    public static func describe(_ error: any Error) -> String {
        switch error {
        case let error as YamlError:
            return describeYAML(error)
        case DecodingError.keyNotFound(let key, let context):
            return "\(fieldPath(context.codingPath + [key])): missing"
        case DecodingError.valueNotFound(_, let context):
            return "\(fieldPath(context.codingPath)): missing"
        case DecodingError.typeMismatch(let type, let context):
            return "\(fieldPath(context.codingPath)): expected \(typeName(type))\(found(context.debugDescription))"
        case DecodingError.dataCorrupted(let context):
            let underlying = context.underlyingError.map { " (\(describe($0)))" } ?? ""
            let path = context.codingPath.isEmpty ? "" : fieldPath(context.codingPath) + ": "
            return path + context.debugDescription + underlying
        default:
            return "\(error)"
        }
    }

    static func describeYAML(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { ", \($0.text) at line \($0.mark.line)" } ?? ""
            return "syntax error at line \(mark.line), column \(mark.column): \(problem)\(during)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "YAML: duplicated key(s) \(duplicates.sorted().joined(separator: ", ")) "
                + "at line \(context.mark.line)"
        default:
            return "YAML: \(error)".trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    static func fieldPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "(top level)" : text
    }

    static func typeName(_ type: Any.Type) -> String {
        if type == String.self { return "a string" }
        if type == Bool.self { return "true or false" }
        return kind("\(type)") ?? "a mapping"
    }

    /// ", found a list" from the decoders' "Expected to decode X but found Y instead." (Yams and Foundation);
    /// empty when Y says nothing useful (Yams' "Scalar", "Node").
    static func found(_ debugDescription: String) -> String {
        guard let start = debugDescription.range(of: "but found ") else { return "" }
        var what = debugDescription[start.upperBound...]
        if let end = what.range(of: " instead") { what = what[..<end.lowerBound] }
        for article in ["a ", "an "] where what.hasPrefix(article) { what = what.dropFirst(article.count) }
        guard what.lowercased() != "scalar", let kind = kind(String(what)) else { return "" }
        return ", found \(kind)"
    }

    private static func kind(_ name: String) -> String? {
        switch name.lowercased() {
        case let n where n.hasPrefix("array") || n.hasPrefix("sequence"): "a list"
        case let n where n.hasPrefix("dictionary") || n.hasPrefix("mapping"): "a mapping"
        case "string": "a string"
        case "number", "int", "double": "a number"
        case "scalar": "a single value"
        default: nil
        }
    }
}

extension KubeConfigFile {
    /// Makes relative file references absolute against the kubeconfig's directory, as kubectl does,
    /// so that merged files keep pointing at their own neighbours.
    mutating func resolvePaths(relativeTo directory: String, home: String) {
        func absolute(_ path: String?) -> String? {
            guard let path, !path.isEmpty else { return path }
            let expanded = KubeConfig.expandingHome(path, home: home)
            // Lexical cleanup only (like Go's filepath.Join): symlinks stay as written.
            return URL(fileURLWithPath: expanded.hasPrefix("/") ? expanded : directory + "/" + expanded).standardized.path
        }
        for i in clusters.indices {
            clusters[i].cluster.certificateAuthority = absolute(clusters[i].cluster.certificateAuthority)
        }
        for i in users.indices {
            users[i].user.clientCertificate = absolute(users[i].user.clientCertificate)
            users[i].user.clientKey = absolute(users[i].user.clientKey)
            users[i].user.tokenFile = absolute(users[i].user.tokenFile)
            // A bare command name is looked up in PATH; one with a slash is a path (kubectl's rule).
            if let command = users[i].user.exec?.command, command.contains("/") {
                users[i].user.exec?.command = absolute(command) ?? command
            }
        }
    }
}
