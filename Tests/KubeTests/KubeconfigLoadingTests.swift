import Foundation
import HTTPClient
import Kube
import TestSupport
import Testing

@Suite struct KubeconfigLoadingTests {
    @Test func kubeconfigListMergesFirstDefinitionWins() throws {
        let dir = try ConfigDirectory()
        // a: defines "shared" and ctx-a, but no current-context.
        let a = try dir.write(
            "a/config",
            """
            clusters:
            - {name: shared, cluster: {server: "https://a.example:6443"}}
            users:
            - {name: shared, user: {token: from-a}}
            contexts:
            - {name: ctx-a, context: {cluster: shared, user: shared, namespace: ns-a}}
            """)
        // b: redefines "shared", adds its own names and sets current-context.
        let b = try dir.write(
            "b/config",
            """
            current-context: ctx-b
            clusters:
            - {name: shared, cluster: {server: "https://b.example:6443"}}
            - {name: only-b, cluster: {server: "https://only-b.example"}}
            users:
            - {name: shared, user: {token: from-b}}
            contexts:
            - {name: ctx-b, context: {cluster: shared, user: shared}}
            - {name: ctx-a, context: {cluster: only-b, user: shared}}
            """)
        // Empty entries and missing files are skipped, as kubectl does.
        let list = ":\(a)::\(dir.file("missing"))::\(b):"
        let merged = try loadConfig(environment: ["KUBECONFIG": list])
        #expect(merged.server == "https://a.example:6443")  // ctx-b (from b) → cluster "shared" from a
        #expect(merged.credentials == .token("from-a"))
        #expect(merged.namespace == "default")
        #expect(merged.origin == "kubeconfig \(b), context \"ctx-b\"")

        // ctx-a is defined by both; a's definition wins.
        let overridden = try loadConfig(context: "ctx-a", environment: ["KUBECONFIG": list])
        #expect(overridden.server == "https://a.example:6443")
        #expect(overridden.namespace == "ns-a")

        // With the order reversed, b wins everything.
        let reversed = try loadConfig(environment: ["KUBECONFIG": "\(b):\(a)"])
        #expect(reversed.server == "https://b.example:6443")
        #expect(reversed.credentials == .token("from-b"))

        // current-context comes from the first file that sets one.
        let c = try dir.write("c/config", simpleKubeconfig(name: "c", server: "https://c.example"))
        #expect(try loadConfig(environment: ["KUBECONFIG": "\(c):\(b)"]).server == "https://c.example")
        #expect(try loadConfig(environment: ["KUBECONFIG": "\(b):\(c)"]).server == "https://b.example:6443")
    }

    @Test func precedenceFlagThenEnvironmentThenHomeThenInCluster() throws {
        let dir = try ConfigDirectory()
        let flag = try dir.write("flag.yaml", simpleKubeconfig(name: "flag", server: "https://flag.example"))
        let env = try dir.write("env.yaml", simpleKubeconfig(name: "env", server: "https://env.example"))
        try dir.write("home/.kube/config", simpleKubeconfig(name: "home", server: "https://home.example"))
        let home = dir.file("home")
        let root = try ConfigDirectory("incluster")
        try root.write("var/run/secrets/kubernetes.io/serviceaccount/token", "sa-token")
        try root.write("var/run/secrets/kubernetes.io/serviceaccount/ca.crt", "ca")
        let pod = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]

        var environment = pod.merging(["KUBECONFIG": env]) { a, _ in a }
        #expect(try loadConfig(kubeconfig: flag, environment: environment, home: home).server == "https://flag.example")
        #expect(try loadConfig(environment: environment, home: home).server == "https://env.example")
        environment["KUBECONFIG"] = ""
        #expect(try loadConfig(environment: environment, home: home).server == "https://home.example")
        let inCluster = try loadConfig(environment: environment, home: dir.file("nohome"), inClusterRoot: root.path)
        #expect(inCluster.server == "https://10.96.0.1:443")
        #expect(inCluster.origin == "in-cluster")

        let nothing = configError { try loadConfig(home: dir.file("nohome")) }
        #expect(nothing?.hasPrefix("no configuration found: pass --kubeconfig, set KUBECONFIG") == true)
    }

    @Test func tildeExpandsInFlagAndList() throws {
        let dir = try ConfigDirectory()
        try dir.write("cfg", simpleKubeconfig(name: "x", server: "https://tilde.example"))
        #expect(try loadConfig(kubeconfig: "~/cfg", home: dir.path).server == "https://tilde.example")
        #expect(try loadConfig(environment: ["KUBECONFIG": "~/nope:~/cfg"], home: dir.path).server == "https://tilde.example")
    }

    @Test func contextOverrideAndMissingContexts() throws {
        let dir = try ConfigDirectory()
        let path = try dir.write(
            "config",
            simpleKubeconfig(name: "one", server: "https://one.example", currentContext: false)
                + "\n- name: two\n  context: {cluster: one, user: one, namespace: two-ns}\n")
        #expect(try loadConfig(kubeconfig: path, context: "two").namespace == "two-ns")
        #expect(try loadConfig(kubeconfig: path, context: "one").namespace == "default")
        #expect(
            configError { try loadConfig(kubeconfig: path) }
                == "kubeconfig \(path): no current-context is set and no --context was given")
        #expect(
            configError { try loadConfig(kubeconfig: path, context: "nope") }
                == "kubeconfig \(path): context \"nope\" (from --context) not found")
    }

    /// Each broken field gives one error naming the file and the field.
    @Test(arguments: [
        (
            "current-context: dev\nclusters: [{name: c1, cluster: {server: 'https://x'}}]\ncontexts: [{name: dev, context: {cluster: c2}}]",
            "context \"dev\" refers to unknown cluster \"c2\""
        ),
        (
            "current-context: dev\nclusters: [{name: c1, cluster: {server: 'https://x'}}]\ncontexts: [{name: dev, context: {cluster: c1, user: u}}]",
            "context \"dev\" refers to unknown user \"u\""
        ),
        (
            "current-context: dev\nclusters: [{name: c1, cluster: {server: 'https://x'}}]\nusers: [{name: u, user: {client-certificate-data: 'not base64!', client-key-data: 'eA=='}}]\ncontexts: [{name: dev, context: {cluster: c1, user: u}}]",
            "users[0].user.client-certificate-data: not valid base64"
        ),
        (
            "current-context: dev\nclusters: [{name: c0, cluster: {server: 'https://x'}}, {name: c1, cluster: {}}]\ncontexts: [{name: dev, context: {cluster: c1}}]",
            "clusters[1].cluster.server: missing"
        ),
        (
            "current-context: dev\nclusters: [{name: c1, cluster: {server: 'ftp://x'}}]\ncontexts: [{name: dev, context: {cluster: c1}}]",
            "clusters[0].cluster.server: \"ftp://x\" is not an http:// or https:// URL with a host"
        ),
        (
            "current-context: dev\nclusters: [{name: c1, cluster: {server: 'https://x', proxy-url: 'proxy:3128'}}]\ncontexts: [{name: dev, context: {cluster: c1}}]",
            "clusters[0].cluster.proxy-url: \"proxy:3128\" is not an http://, https:// or socks5:// URL"
        ),
        (
            "current-context: dev\nclusters: [{name: c1, cluster: {server: 'https://x'}}]\nusers: [{name: u, user: {auth-provider: {name: gcp}}}]\ncontexts: [{name: dev, context: {cluster: c1, user: u}}]",
            "users[0].user.auth-provider: the \"gcp\" auth provider is not supported; use an exec credential plugin instead"
        ),
        (
            "current-context: dev\nclusters: [{name: c1, cluster: {server: 'https://x'}}]\nusers: [{name: u, user: {token: a, username: b, password: c}}]\ncontexts: [{name: dev, context: {cluster: c1, user: u}}]",
            "users[0].user: more than one authentication method (token, username/password)"
        ),
        (
            "current-context: dev\nclusters: [{name: c1, cluster: {server: 'https://x'}}]\nusers: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}}}]\ncontexts: [{name: dev, context: {cluster: c1, user: u}}]",
            "users[0].user.exec.apiVersion: \"client.authentication.k8s.io/v1alpha1\" is not supported (use client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1)"
        ),
        ("clusters:\n- name: c1\n  cluster: [1, 2]\n", "clusters[0].cluster: expected a mapping"),
        ("users: {me: {token: a}}\n", "users: expected a list"),
        ("users:\n- user: {token: a}\n", "users[0].name: missing"),
        ("clusters:\n  - name: a\n   bad: indentation\n", "syntax error at line 3, column 4: did not find expected '-' indicator"),
        ("{\n  \"clusters\": [\n    {\"name\": \"a\",, \"cluster\": {}}\n  ]\n}", "syntax error at line 3, column 18"),
        ("{\"clusters\": [{\"name\": 1}]}", "clusters[0].name: expected a string, found a number"),
        ("clusters: [{name: a, cluster: {server: [1]}}]\ncurrent-context: a", "clusters[0].cluster.server: expected a single value, found a list"),
    ])
    func brokenKubeconfigsNameTheField(config: String, message: String) throws {
        let dir = try ConfigDirectory()
        let path = try dir.write("config", config)
        let error = configError { try loadConfig(kubeconfig: path) }
        #expect(error?.hasPrefix("kubeconfig \(path): \(message)") == true, "got: \(error ?? "no error")")
    }

    @Test func missingFilesAreReported() throws {
        let dir = try ConfigDirectory()
        #expect(
            configError { try loadConfig(kubeconfig: dir.file("absent")) }
                == "kubeconfig \(dir.file("absent")): file not found (from --kubeconfig)")
        #expect(
            configError { try loadConfig(environment: ["KUBECONFIG": "\(dir.file("a")):\(dir.file("b"))"]) }
                == "none of the files in KUBECONFIG exist: \(dir.file("a")), \(dir.file("b"))")
        let path = try dir.write(
            "config",
            "current-context: dev\nclusters: [{name: c, cluster: {server: 'https://x', certificate-authority: ca.pem}}]\n"
                + "contexts: [{name: dev, context: {cluster: c}}]")
        #expect(
            configError { try loadConfig(kubeconfig: path) }
                == "kubeconfig \(path): clusters[0].cluster.certificate-authority: \(dir.file("ca.pem")): file not found")
    }
}
