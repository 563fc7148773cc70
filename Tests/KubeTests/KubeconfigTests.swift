import Foundation
import HTTP
import HTTPClient
import Kube
import TestSupport
import Testing

@Suite struct KubeconfigParsingTests {
    static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    static let keyPEM = "-----BEGIN PRIVATE KEY-----\nMIIC\n-----END PRIVATE KEY-----\n"

    static func yaml() -> String {
        """
        apiVersion: v1
        kind: Config
        preferences:
          colors: true
        current-context: dev
        clusters:
        - name: c1
          cluster:
            server: https://api.example.com:6443/
            certificate-authority: pki/ca.crt
            tls-server-name: kubernetes.internal
            proxy-url: http://proxy:3128
            extensions:
            - name: x
              extension: {a: 1}
        - name: c2
          cluster:
            server: http://127.0.0.1:8080
            insecure-skip-tls-verify: true
        - name: c3
          cluster:
            server: https://[fd00::1]:443
            certificate-authority-data: \(configBase64(caPEM))
        users:
        - name: cert-data
          user:
            client-certificate-data: \(configBase64(caPEM))
            client-key-data: \(configBase64(keyPEM))
        - name: cert-file
          user:
            client-certificate: pki/client.crt
            client-key: /abs/client.key
        - name: token
          user: {token: abc}
        - name: token-file
          user: {tokenFile: token.txt}
        - name: basic
          user: {username: bob, password: secret}
        - name: exec
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: bin/plugin
              args: [--region, eu]
              env:
              - name: PROFILE
                value: prod
              installHint: install the plugin
              provideClusterInfo: true
              interactiveMode: Never
        contexts:
        - name: dev
          context: {cluster: c1, user: cert-data, namespace: team}
        - name: other
          context: {cluster: c2, user: token}
        """
    }

    static func json() -> String {
        """
        {
          "apiVersion": "v1", "kind": "Config", "preferences": {}, "current-context": "dev",
          "clusters": [
            {"name": "c1", "cluster": {"server": "https://api.example.com:6443/", "certificate-authority": "pki/ca.crt",
              "tls-server-name": "kubernetes.internal", "proxy-url": "http://proxy:3128",
              "extensions": [{"name": "x", "extension": {"a": 1}}]}},
            {"name": "c2", "cluster": {"server": "http://127.0.0.1:8080", "insecure-skip-tls-verify": true}},
            {"name": "c3", "cluster": {"server": "https://[fd00::1]:443", "certificate-authority-data": "\(configBase64(caPEM))"}}
          ],
          "users": [
            {"name": "cert-data", "user": {"client-certificate-data": "\(configBase64(caPEM))", "client-key-data": "\(configBase64(keyPEM))"}},
            {"name": "cert-file", "user": {"client-certificate": "pki/client.crt", "client-key": "/abs/client.key"}},
            {"name": "token", "user": {"token": "abc"}},
            {"name": "token-file", "user": {"tokenFile": "token.txt"}},
            {"name": "basic", "user": {"username": "bob", "password": "secret"}},
            {"name": "exec", "user": {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "bin/plugin",
              "args": ["--region", "eu"], "env": [{"name": "PROFILE", "value": "prod"}], "installHint": "install the plugin",
              "provideClusterInfo": true, "interactiveMode": "Never"}}}
          ],
          "contexts": [
            {"name": "dev", "context": {"cluster": "c1", "user": "cert-data", "namespace": "team"}},
            {"name": "other", "context": {"cluster": "c2", "user": "token"}}
          ]
        }
        """
    }

    @Test func parsesEveryFieldFromYAMLAndJSONAlike() throws {
        let dir = try ConfigDirectory()
        let fromYAML = try KubeConfig.parseFile(try dir.write("config.yaml", Self.yaml()), home: "/home/me")
        let fromJSON = try KubeConfig.parseFile(try dir.write("config.json", Self.json()), home: "/home/me")
        #expect(fromYAML == fromJSON)

        let file = fromYAML
        #expect(file.currentContext == "dev")
        #expect(file.clusters.map(\.name) == ["c1", "c2", "c3"])
        let c1 = file.clusters[0].cluster
        #expect(c1.server == "https://api.example.com:6443/")
        #expect(c1.certificateAuthority == dir.file("pki/ca.crt"))  // relative to the file's directory
        #expect(c1.tlsServerName == "kubernetes.internal")
        #expect(c1.proxyURL == "http://proxy:3128")
        #expect(file.clusters[1].cluster.insecureSkipTLSVerify == true)
        #expect(file.clusters[2].cluster.certificateAuthorityData == configBase64(Self.caPEM))

        #expect(file.users[0].user.clientCertificateData == configBase64(Self.caPEM))
        #expect(file.users[0].user.clientKeyData == configBase64(Self.keyPEM))
        #expect(file.users[1].user.clientCertificate == dir.file("pki/client.crt"))
        #expect(file.users[1].user.clientKey == "/abs/client.key")
        #expect(file.users[2].user.token == "abc")
        #expect(file.users[3].user.tokenFile == dir.file("token.txt"))
        #expect(file.users[4].user.username == "bob")
        #expect(file.users[4].user.password == "secret")
        let exec = try #require(file.users[5].user.exec)
        #expect(exec.apiVersion == "client.authentication.k8s.io/v1")
        #expect(exec.command == dir.file("bin/plugin"))  // has a slash: resolved like a path
        #expect(exec.args == ["--region", "eu"])
        #expect(exec.env == [ExecConfig.EnvVar(name: "PROFILE", value: "prod")])
        #expect(exec.installHint == "install the plugin")
        #expect(exec.provideClusterInfo)
        #expect(exec.interactiveMode == "Never")

        #expect(file.contexts[0].context == KubeConfigFile.Context(cluster: "c1", user: "cert-data", namespace: "team"))
        #expect(file.contexts[1].context.namespace == nil)
    }

    @Test func emptyAndNullListsAreEmpty() throws {
        #expect(try KubeConfig.decode("") == KubeConfigFile())
        #expect(try KubeConfig.decode("# nothing yet\n") == KubeConfigFile())
        #expect(try KubeConfig.decode("clusters: null\nusers: []\ncontexts:\n") == KubeConfigFile())
        #expect(try KubeConfig.decode("{\"clusters\": null}") == KubeConfigFile())
    }

    /// One context per kind of user, resolved against the same cluster.
    @Test func resolvesEachCredentialForm() throws {
        let dir = try ConfigDirectory()
        try dir.write("ca.crt", Self.caPEM)
        try dir.write("client.crt", Self.caPEM)
        try dir.write("client.key", Self.keyPEM)
        try dir.write("token.txt", "file-token\n")
        try dir.write("bin/plugin", "#!/bin/sh\n", executable: true)
        let users: [(String, String)] = [
            ("data", "client-certificate-data: \(configBase64(Self.caPEM))\n    client-key-data: \(configBase64(Self.keyPEM))"),
            ("file", "client-certificate: client.crt\n    client-key: client.key"),
            ("token", "token: abc"),
            ("tokenfile", "tokenFile: token.txt"),
            ("basic", "username: bob\n    password: secret"),
            ("exec", "exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: ./bin/plugin\n      provideClusterInfo: true"),
        ]
        let config = """
            clusters:
            - name: c
              cluster: {server: "https://10.0.0.1:6443", certificate-authority: ca.crt, tls-server-name: api, proxy-url: "socks5://proxy:1080"}
            users:
            \(users.map { "- name: \($0.0)\n  user:\n    \($0.1)" }.joined(separator: "\n"))
            contexts:
            \(users.map { "- name: \($0.0)\n  context: {cluster: c, user: \($0.0)}" }.joined(separator: "\n"))
            - name: anonymous
              context: {cluster: c, namespace: kube-system}
            """
        let path = try dir.write("config", config)
        func load(_ context: String) throws -> ClusterConnection { try loadConfig(kubeconfig: path, context: context) }

        let data = try load("data")
        #expect(data.server == "https://10.0.0.1:6443")
        #expect(data.tls.certificateAuthority == .file(dir.file("ca.crt")))
        #expect(data.tlsServerName == "api")
        #expect(data.proxy == .url("socks5://proxy:1080"))
        #expect(data.httpClientConfiguration().proxy == .url("socks5://proxy:1080"))
        #expect(data.namespace == "default")
        #expect(data.tls.clientCertificate == .pem(Self.caPEM))
        #expect(data.tls.clientKey == .pem(Self.keyPEM))
        #expect(data.credentials == .clientCertificate)
        #expect(data.origin == "kubeconfig \(path), context \"data\"")

        let file = try load("file")
        #expect(file.tls.clientCertificate == .file(dir.file("client.crt")))
        #expect(file.tls.clientKey == .file(dir.file("client.key")))

        #expect(try load("token").credentials == .token("abc"))
        #expect(try load("token").httpClientConfiguration().bearerToken == "abc")
        #expect(try load("tokenfile").credentials == .tokenFile(dir.file("token.txt")))
        #expect(try load("tokenfile").httpClientConfiguration().bearerToken == nil)
        #expect(try load("basic").credentials == .basic(username: "bob", password: "secret"))

        guard case .exec(let exec) = try load("exec").credentials else {
            Issue.record("expected exec credentials")
            return
        }
        #expect(exec.command == dir.file("bin/plugin"))
        #expect(
            exec.cluster
                == ExecClusterInfo(
                    server: "https://10.0.0.1:6443", tlsServerName: "api", certificateAuthorityData: configBase64(Self.caPEM)))

        let anonymous = try load("anonymous")
        #expect(anonymous.credentials == .none)
        #expect(anonymous.namespace == "kube-system")
        let configuration = anonymous.httpClientConfiguration()
        var expectedTLS = anonymous.tls
        expectedTLS.serverName = anonymous.tlsServerName  // tls-server-name reaches the HTTP client
        #expect(configuration.tls == expectedTLS)
        #expect(configuration.bearerToken == nil)
    }

    @Test func insecureCluster() throws {
        let dir = try ConfigDirectory()
        let path = try dir.write("config", Self.yaml())
        let insecure = try loadConfig(kubeconfig: path, context: "other")
        #expect(insecure.server == "http://127.0.0.1:8080")
        #expect(insecure.tls.insecureSkipVerify)
        #expect(insecure.tls.certificateAuthority == nil)
        #expect(insecure.credentials == .token("abc"))
    }
}
