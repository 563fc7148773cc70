import Foundation

/// One kubeconfig file as kubectl writes it (YAML or JSON). Only what a client needs is decoded;
/// `preferences`, `extensions` and unknown keys are ignored. Nothing is validated here: resolution
/// (`KubeConfig.load`) checks the entries it actually uses, so a stale unused entry is harmless.
public struct KubeConfigFile: Codable, Sendable, Equatable {
    public var clusters: [NamedCluster]
    public var users: [NamedUser]
    public var contexts: [NamedContext]
    public var currentContext: String?

    public init(
        clusters: [NamedCluster] = [], users: [NamedUser] = [], contexts: [NamedContext] = [],
        currentContext: String? = nil
    ) {
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
        self.currentContext = currentContext
    }

    enum CodingKeys: String, CodingKey {
        case clusters, users, contexts
        case currentContext = "current-context"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // kubectl writes `clusters: null` for an empty list.
        clusters = try c.decodeIfPresent([NamedCluster].self, forKey: .clusters) ?? []
        users = try c.decodeIfPresent([NamedUser].self, forKey: .users) ?? []
        contexts = try c.decodeIfPresent([NamedContext].self, forKey: .contexts) ?? []
        currentContext = try c.decodeIfPresent(String.self, forKey: .currentContext)
    }

    public struct NamedCluster: Codable, Sendable, Equatable {
        public var name: String
        public var cluster: Cluster
        public init(name: String, cluster: Cluster) {
            self.name = name
            self.cluster = cluster
        }
    }

    public struct Cluster: Codable, Sendable, Equatable {
        public var server: String?
        public var certificateAuthority: String?
        public var certificateAuthorityData: String?
        public var insecureSkipTLSVerify: Bool?
        public var tlsServerName: String?
        /// http, https or socks5; all requests to this cluster go through it.
        public var proxyURL: String?

        public init(
            server: String? = nil, certificateAuthority: String? = nil, certificateAuthorityData: String? = nil,
            insecureSkipTLSVerify: Bool? = nil, tlsServerName: String? = nil, proxyURL: String? = nil
        ) {
            self.server = server
            self.certificateAuthority = certificateAuthority
            self.certificateAuthorityData = certificateAuthorityData
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.tlsServerName = tlsServerName
            self.proxyURL = proxyURL
        }

        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
            case proxyURL = "proxy-url"
        }
    }

    public struct NamedUser: Codable, Sendable, Equatable {
        public var name: String
        public var user: User
        public init(name: String, user: User) {
            self.name = name
            self.user = user
        }
    }

    public struct User: Codable, Sendable, Equatable {
        public var clientCertificate: String?
        public var clientCertificateData: String?
        public var clientKey: String?
        public var clientKeyData: String?
        public var token: String?
        public var tokenFile: String?
        public var username: String?
        public var password: String?
        public var exec: ExecConfig?
        /// Only detected, to refuse it clearly: the legacy gcp/azure/oidc providers are not supported.
        public var authProvider: AuthProvider?

        public init(
            clientCertificate: String? = nil, clientCertificateData: String? = nil, clientKey: String? = nil,
            clientKeyData: String? = nil, token: String? = nil, tokenFile: String? = nil, username: String? = nil,
            password: String? = nil, exec: ExecConfig? = nil, authProvider: AuthProvider? = nil
        ) {
            self.clientCertificate = clientCertificate
            self.clientCertificateData = clientCertificateData
            self.clientKey = clientKey
            self.clientKeyData = clientKeyData
            self.token = token
            self.tokenFile = tokenFile
            self.username = username
            self.password = password
            self.exec = exec
            self.authProvider = authProvider
        }

        enum CodingKeys: String, CodingKey {
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case token, tokenFile, username, password, exec
            case authProvider = "auth-provider"
        }
    }

    public struct AuthProvider: Codable, Sendable, Equatable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    public struct NamedContext: Codable, Sendable, Equatable {
        public var name: String
        public var context: Context
        public init(name: String, context: Context) {
            self.name = name
            self.context = context
        }
    }

    public struct Context: Codable, Sendable, Equatable {
        public var cluster: String?
        public var user: String?
        public var namespace: String?
        public init(cluster: String? = nil, user: String? = nil, namespace: String? = nil) {
            self.cluster = cluster
            self.user = user
            self.namespace = namespace
        }
    }
}

/// A kubeconfig `exec` credential plugin (client.authentication.k8s.io).
public struct ExecConfig: Codable, Sendable, Equatable {
    public var apiVersion: String
    public var command: String
    public var args: [String]
    public var env: [EnvVar]
    public var installHint: String?
    public var provideClusterInfo: Bool
    /// `Never`, `IfAvailable` or `Always`. We never have a terminal, so `Always` is refused.
    public var interactiveMode: String?
    /// Filled at resolution when `provideClusterInfo` is set; sent to the plugin in `KUBERNETES_EXEC_INFO`.
    public var cluster: ExecClusterInfo?

    public struct EnvVar: Codable, Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(
        apiVersion: String, command: String, args: [String] = [], env: [EnvVar] = [], installHint: String? = nil,
        provideClusterInfo: Bool = false, interactiveMode: String? = nil, cluster: ExecClusterInfo? = nil
    ) {
        self.apiVersion = apiVersion
        self.command = command
        self.args = args
        self.env = env
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.interactiveMode = interactiveMode
        self.cluster = cluster
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, command, args, env, installHint, provideClusterInfo, interactiveMode
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decode(String.self, forKey: .apiVersion)
        command = try c.decode(String.self, forKey: .command)
        args = try c.decodeIfPresent([String].self, forKey: .args) ?? []
        env = try c.decodeIfPresent([EnvVar].self, forKey: .env) ?? []
        installHint = try c.decodeIfPresent(String.self, forKey: .installHint)
        provideClusterInfo = try c.decodeIfPresent(Bool.self, forKey: .provideClusterInfo) ?? false
        interactiveMode = try c.decodeIfPresent(String.self, forKey: .interactiveMode)
        cluster = nil
    }
}

/// The cluster as an exec plugin sees it (`spec.cluster` of the ExecCredential input).
public struct ExecClusterInfo: Codable, Sendable, Equatable {
    public var server: String
    public var tlsServerName: String?
    public var insecureSkipTLSVerify: Bool
    /// Base64 of the CA bundle's PEM, as Go's `[]byte` marshals.
    public var certificateAuthorityData: String?

    public init(
        server: String, tlsServerName: String? = nil, insecureSkipTLSVerify: Bool = false,
        certificateAuthorityData: String? = nil
    ) {
        self.server = server
        self.tlsServerName = tlsServerName
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.certificateAuthorityData = certificateAuthorityData
    }

    enum CodingKeys: String, CodingKey {
        case server
        case tlsServerName = "tls-server-name"
        case insecureSkipTLSVerify = "insecure-skip-tls-verify"
        case certificateAuthorityData = "certificate-authority-data"
    }
}
