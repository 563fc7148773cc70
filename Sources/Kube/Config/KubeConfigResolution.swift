import Foundation
import HTTP
import HTTPClient

/// Several kubeconfig files merged as kubectl merges `KUBECONFIG`: for each name, the first file
/// that defines it wins; `current-context` comes from the first file that sets it. Each entry keeps
/// its file and index so errors can point at the exact field.
struct MergedKubeConfig {
    struct Entry<Value> {
        var value: Value
        var file: String
        var index: Int
    }

    var clusters: [String: Entry<KubeConfigFile.Cluster>] = [:]
    var users: [String: Entry<KubeConfigFile.User>] = [:]
    var contexts: [String: Entry<KubeConfigFile.Context>] = [:]
    var currentContext: (name: String, file: String)?
    var paths: [String] = []

    init(files: [(path: String, file: KubeConfigFile)]) {
        for (path, file) in files {
            paths.append(path)
            for (i, named) in file.clusters.enumerated() where clusters[named.name] == nil {
                clusters[named.name] = Entry(value: named.cluster, file: path, index: i)
            }
            for (i, named) in file.users.enumerated() where users[named.name] == nil {
                users[named.name] = Entry(value: named.user, file: path, index: i)
            }
            for (i, named) in file.contexts.enumerated() where contexts[named.name] == nil {
                contexts[named.name] = Entry(value: named.context, file: path, index: i)
            }
            if currentContext == nil, let name = file.currentContext, !name.isEmpty {
                currentContext = (name, path)
            }
        }
    }

    func resolve(context override: String?) throws(KubeConfigError) -> ClusterConnection {
        let allFiles = paths.joined(separator: ":")
        let contextName: String
        if let override, !override.isEmpty {
            contextName = override
        } else if let current = currentContext {
            contextName = current.name
        } else {
            throw KubeConfigError(file: allFiles, "no current-context is set and no --context was given")
        }
        guard let context = contexts[contextName] else {
            let source = override?.isEmpty == false ? " (from --context)" : ""
            throw KubeConfigError(file: currentContext?.file ?? allFiles, "context \"\(contextName)\"\(source) not found")
        }
        let contextField = "contexts[\(context.index)].context"
        guard let clusterName = context.value.cluster, !clusterName.isEmpty else {
            throw KubeConfigError(file: context.file, "\(contextField).cluster: missing")
        }
        guard let cluster = clusters[clusterName] else {
            throw KubeConfigError(
                file: context.file, "context \"\(contextName)\" refers to unknown cluster \"\(clusterName)\"")
        }
        var user: Entry<KubeConfigFile.User>?
        if let userName = context.value.user, !userName.isEmpty {
            guard let found = users[userName] else {
                throw KubeConfigError(
                    file: context.file, "context \"\(contextName)\" refers to unknown user \"\(userName)\"")
            }
            user = found
        }

        var connection = try Self.connection(to: cluster)
        if let user { try Self.apply(user, to: &connection) }
        if let namespace = context.value.namespace, !namespace.isEmpty { connection.namespace = namespace }
        connection.origin = "kubeconfig \(context.file), context \"\(contextName)\""
        return connection
    }

    private static func connection(to entry: Entry<KubeConfigFile.Cluster>) throws(KubeConfigError) -> ClusterConnection {
        let cluster = entry.value
        let field = "clusters[\(entry.index)].cluster"
        func fail(_ message: String) -> KubeConfigError { KubeConfigError(file: entry.file, message) }

        guard let server = cluster.server, !server.isEmpty else { throw fail("\(field).server: missing") }
        guard let components = URLComponents(string: server), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
        else {
            throw fail("\(field).server: \"\(server)\" is not an http:// or https:// URL with a host")
        }
        var tls = ClientTLSConfiguration()
        tls.insecureSkipVerify = cluster.insecureSkipTLSVerify ?? false
        tls.certificateAuthority = try pem(
            file: cluster.certificateAuthority, data: cluster.certificateAuthorityData,
            field: "\(field).certificate-authority", in: entry.file)
        if tls.insecureSkipVerify, tls.certificateAuthority != nil {
            // kubectl refuses this too: a CA that is never checked is a misconfiguration.
            throw fail("\(field): insecure-skip-tls-verify cannot be combined with a certificate authority")
        }
        var trimmed = server
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        var connection = ClusterConnection(
            server: trimmed, tls: tls, tlsServerName: cluster.tlsServerName.flatMap { $0.isEmpty ? nil : $0 })
        if let proxy = cluster.proxyURL, !proxy.isEmpty {
            let url = URLComponents(string: proxy)
            guard ["http", "https", "socks5"].contains(url?.scheme?.lowercased()), url?.host?.isEmpty == false else {
                throw fail("\(field).proxy-url: \"\(proxy)\" is not an http://, https:// or socks5:// URL")
            }
            connection.proxy = .url(proxy)
        }
        return connection
    }

    private static func apply(
        _ entry: Entry<KubeConfigFile.User>, to connection: inout ClusterConnection
    ) throws(KubeConfigError) {
        let user = entry.value
        let field = "users[\(entry.index)].user"
        func fail(_ message: String) -> KubeConfigError { KubeConfigError(file: entry.file, message) }

        if let provider = user.authProvider {
            throw fail(
                "\(field).auth-provider: the \"\(provider.name)\" auth provider is not supported; "
                    + "use an exec credential plugin instead")
        }
        let certificate = try pem(
            file: user.clientCertificate, data: user.clientCertificateData, field: "\(field).client-certificate",
            in: entry.file)
        let key = try pem(file: user.clientKey, data: user.clientKeyData, field: "\(field).client-key", in: entry.file)
        switch (certificate, key) {
        case (.some, nil): throw fail("\(field).client-key: missing (client-certificate is set)")
        case (nil, .some): throw fail("\(field).client-certificate: missing (client-key is set)")
        default: break
        }
        connection.tls.clientCertificate = certificate
        connection.tls.clientKey = key

        let token = user.token.flatMap { $0.isEmpty ? nil : $0 }
        let tokenFile = user.tokenFile.flatMap { $0.isEmpty ? nil : $0 }
        let username = user.username.flatMap { $0.isEmpty ? nil : $0 }
        var methods: [String] = []
        if token != nil || tokenFile != nil { methods.append(token != nil ? "token" : "tokenFile") }
        if username != nil || user.password?.isEmpty == false { methods.append("username/password") }
        if user.exec != nil { methods.append("exec") }
        if methods.count > 1 {
            throw fail("\(field): more than one authentication method (\(methods.joined(separator: ", ")))")
        }

        if let token {
            // kubectl prefers the inline token when both are set.
            connection.credentials = .token(token)
        } else if let tokenFile {
            guard KubeConfig.fileExists(tokenFile) else { throw fail("\(field).tokenFile: \(tokenFile): file not found") }
            connection.credentials = .tokenFile(tokenFile)
        } else if user.username != nil || user.password != nil {
            guard let username else { throw fail("\(field).username: missing (password is set)") }
            guard let password = user.password else { throw fail("\(field).password: missing (username is set)") }
            connection.credentials = .basic(username: username, password: password)
        } else if var exec = user.exec {
            try validate(exec, field: "\(field).exec", fail: fail)
            if exec.provideClusterInfo { exec.cluster = try clusterInfo(for: connection, file: entry.file) }
            connection.credentials = .exec(exec)
        } else if certificate != nil {
            connection.credentials = .clientCertificate
        }
    }

    private static func validate(
        _ exec: ExecConfig, field: String, fail: (String) -> KubeConfigError
    ) throws(KubeConfigError) {
        guard ExecPlugin.supportedAPIVersions.contains(exec.apiVersion) else {
            throw fail(
                "\(field).apiVersion: \"\(exec.apiVersion)\" is not supported (use "
                    + ExecPlugin.supportedAPIVersions.joined(separator: " or ") + ")")
        }
        if exec.command.isEmpty { throw fail("\(field).command: missing") }
        switch exec.interactiveMode ?? "IfAvailable" {
        case "Never", "IfAvailable": break
        case "Always": throw fail("\(field).interactiveMode: Always needs a terminal, which node-agent never has")
        case let other: throw fail("\(field).interactiveMode: \"\(other)\" is not Never, IfAvailable or Always")
        }
    }

    /// What `provideClusterInfo` hands the plugin; a CA file is inlined as kubectl does.
    private static func clusterInfo(for connection: ClusterConnection, file: String) throws(KubeConfigError) -> ExecClusterInfo {
        var caData: String?
        switch connection.tls.certificateAuthority {
        case .pem(let text): caData = Data(text.utf8).base64EncodedString()
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw KubeConfigError(file: file, "certificate authority \(path) cannot be read")
            }
            caData = data.base64EncodedString()
        case nil: break
        }
        return ExecClusterInfo(
            server: connection.server, tlsServerName: connection.tlsServerName,
            insecureSkipTLSVerify: connection.tls.insecureSkipVerify, certificateAuthorityData: caData)
    }

    /// A PEM source from a `<field>` file path or a base64 `<field>-data`; both at once is an error.
    private static func pem(file: String?, data: String?, field: String, in kubeconfig: String) throws(KubeConfigError) -> PEMSource? {
        let file = file.flatMap { $0.isEmpty ? nil : $0 }
        let data = data.flatMap { $0.isEmpty ? nil : $0 }
        if file != nil, data != nil {
            throw KubeConfigError(file: kubeconfig, "\(field) and \(field)-data are both set; use one")
        }
        if let file {
            guard KubeConfig.fileExists(file) else { throw KubeConfigError(file: kubeconfig, "\(field): \(file): file not found") }
            return .file(file)
        }
        guard let data else { return nil }
        let compact = data.filter { !$0.isWhitespace }
        guard let decoded = Data(base64Encoded: compact) else {
            throw KubeConfigError(file: kubeconfig, "\(field)-data: not valid base64")
        }
        guard let text = String(data: decoded, encoding: .utf8), text.contains("-----BEGIN") else {
            throw KubeConfigError(file: kubeconfig, "\(field)-data: decodes to something that is not PEM")
        }
        return .pem(text)
    }
}
