import ControlPlane
import Foundation
import HTTP
import HTTPClient
import HTTPServer
import Kube
import Loop
import TestSupport
import Testing

/// `pods/log` and `nodes/proxy` through the API server to a stub kubelet over mutual TLS, driven by
/// kubectl and by a plain HTTPS client; expectations follow the kube-apiserver 1.19 captures.
@Suite(.timeLimit(.minutes(2))) @LoopActor struct KubeletProxyTests {
    /// An API server whose kubelet client certificate comes from the stub kubelet's CA, a node pointing
    /// at the stub, and pods on it.
    @LoopActor
    final class Cluster {
        let harness: Harness
        let stub: StubKubelet
        let api: HTTPClient

        init(kubeletClient: Bool = true) async throws {
            let authority = try CertificateAuthority.generate(commonName: "kubelet-ca")
            let client = try authority.issue(
                CertificateSubject(commonName: "kube-apiserver-kubelet-client", organizations: ["system:masters"]),
                usage: .clientAuth)
            let tls = ClientTLSConfiguration(
                certificateAuthority: .pem(authority.certificatePEM), clientCertificate: .pem(client.certificatePEM),
                clientKey: .pem(client.privateKeyPEM))
            harness = try Harness { if kubeletClient { $0.kubeletClientTLS = tls } }
            stub = try StubKubelet(authority: authority)
            api = harness.adminClient()
            try await pointNode(at: stub.port)
            let pods = try await harness.kubectl(["apply", "-f", try harness.file("pods.yaml", Self.pods)])
            #expect(pods.status == 0, "\(pods)")
        }

        /// Creates or updates node `stub-node`: InternalIP 127.0.0.1, kubelet endpoint `port`.
        func pointNode(at port: Int) async throws {
            let node = """
                apiVersion: v1
                kind: Node
                metadata:
                  name: stub-node
                status:
                  conditions:
                  - type: Ready
                    status: "True"
                    reason: KubeletReady
                    message: ready
                  addresses:
                  - type: Hostname
                    address: stub-node.invalid
                  - type: InternalIP
                    address: 127.0.0.1
                  daemonEndpoints:
                    kubeletEndpoint:
                      Port: \(port)

                """
            let applied = try await harness.kubectl(["apply", "-f", try harness.file("node.yaml", node)])
            #expect(applied.status == 0, "\(applied)")
        }

        static let pods = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: kpod
            spec:
              nodeName: stub-node
              containers:
              - name: c
                image: busybox
              - name: sidecar
                image: busybox
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: solo
            spec:
              nodeName: stub-node
              containers:
              - name: only
                image: busybox
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: pending
            spec:
              schedulerName: manual-scheduler
              containers:
              - name: c
                image: busybox

            """

        func get(_ path: String) async throws -> HTTPClientResponse {
            try await api.execute(HTTPClientRequest(url: harness.url + path))
        }

        func stop() async {
            api.shutdown()
            await stub.stop()
            await harness.stop()
        }
    }

    static func lines(_ prefix: String, _ range: ClosedRange<Int>, _ word: String = "log") -> String {
        range.map { "\(prefix) \(word) line \($0)\n" }.joined()
    }

    @Test func kubectlLogsReachTheKubeletWithItsClientCertificate() async throws {
        let cluster = try await Cluster()
        let (harness, stub) = (cluster.harness, cluster.stub)

        let logs = try await harness.kubectl(["logs", "kpod", "-c", "c"])
        #expect(logs.status == 0 && logs.stderr.isEmpty, "\(logs)")
        #expect(logs.stdout == Self.lines("kpod/c", 1...10), "\(logs)")
        let call = try #require(stub.calls.last)
        #expect(call.method == .get && call.path == "/containerLogs/default/kpod/c" && call.query.isEmpty)
        #expect(call.peer == TLSPeer(commonName: "kube-apiserver-kubelet-client", organizations: ["system:masters"]))
        #expect(!call.headers.contains("Authorization"))
        #expect(call.headers["User-Agent"] == "Go-http-client/1.1")
        #expect(call.headers["Host"] == "127.0.0.1:\(stub.port)")

        let sidecar = try await harness.kubectl(["logs", "kpod", "-c", "sidecar"])
        #expect(sidecar.stdout == Self.lines("kpod/sidecar", 1...10), "\(sidecar)")
        #expect(stub.calls.last?.path == "/containerLogs/default/kpod/sidecar")

        // kubectl picks the first container of a multi-container pod itself; a lone container needs no -c.
        let defaulted = try await harness.kubectl(["logs", "kpod"])
        #expect(defaulted.status == 0 && defaulted.stderr == "Defaulted container \"c\" out of: c, sidecar\n", "\(defaulted)")
        #expect(stub.calls.last?.path == "/containerLogs/default/kpod/c")
        let solo = try await harness.kubectl(["logs", "solo"])
        #expect(solo.stdout == Self.lines("solo/only", 1...10), "\(solo)")

        let tail = try await harness.kubectl(["logs", "--tail=3", "kpod", "-c", "c"])
        #expect(tail.stdout == Self.lines("kpod/c", 8...10), "\(tail)")
        #expect(stub.calls.last?.query == "tailLines=3")

        let follow = try await harness.kubectl(["logs", "-f", "kpod", "-c", "c"])
        #expect(follow.status == 0 && follow.stdout == Self.lines("kpod/c", 1...4, "follow"), "\(follow)")
        #expect(stub.calls.last?.query == "follow=true")

        // Every option, in the order kube-apiserver encodes them (sorted names).
        let all = try await harness.kubectl([
            "logs", "-f", "--tail=5", "--timestamps", "--since=10s", "--limit-bytes=100", "kpod", "-c", "c",
        ])
        #expect(all.status == 0, "\(all)")
        #expect(stub.calls.last?.query == "follow=true&limitBytes=100&sinceSeconds=10&tailLines=5&timestamps=true")
        let since = try await harness.kubectl(["logs", "--previous", "--since-time=2026-11-22T05:00:00Z", "kpod", "-c", "c"])
        #expect(since.status == 0, "\(since)")
        #expect(stub.calls.last?.query == "previous=true&sinceTime=2026-11-22T05%3A00%3A00Z")
        #expect(stub.calls.allSatisfy { $0.peer?.commonName == "kube-apiserver-kubelet-client" && !$0.headers.contains("Authorization") })
        await cluster.stop()
    }

    @Test func logRequestsAreCheckedBeforeTheKubeletIsCalled() async throws {
        let cluster = try await Cluster()
        let (harness, stub) = (cluster.harness, cluster.stub)

        let unscheduled = try await harness.kubectl(["logs", "pending"])
        #expect(unscheduled.status == 0 && unscheduled.stdout.isEmpty && unscheduled.stderr.isEmpty, "\(unscheduled)")
        let noContent = try await cluster.get("/api/v1/namespaces/default/pods/pending/log")
        #expect(noContent.status.code == 204 && noContent.body.isEmpty)

        let required = try await harness.kubectl(["get", "--raw", "/api/v1/namespaces/default/pods/kpod/log"])
        #expect(required.status == 1, "\(required)")
        #expect(
            required.stderr == "Error from server (BadRequest): a container name must be specified for pod kpod, choose one of: [c sidecar]\n",
            "\(required)")
        // kubectl checks -c itself, and words a missing pod its own way.
        let invalid = try await harness.kubectl(["logs", "kpod", "-c", "nope"])
        #expect(invalid.status == 1 && invalid.stderr == "error: container nope is not valid for pod kpod\n", "\(invalid)")
        let missing = try await harness.kubectl(["logs", "nosuch"])
        #expect(
            missing.stderr == "error: error from server (NotFound): pods \"nosuch\" not found in namespace \"default\"\n",
            "\(missing)")
        let missingStatus = try await cluster.get("/api/v1/namespaces/default/pods/nosuch/log")
        #expect(missingStatus.status.code == 404 && missingStatus.text.contains(#""message":"pods \"nosuch\" not found""#))

        let badTail = try await cluster.get("/api/v1/namespaces/default/pods/kpod/log?container=c&tailLines=-1")
        #expect(badTail.status.code == 422)
        #expect(try JSONValue(parsing: badTail.body) == [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": "PodLogOptions \"kpod\" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0",
            "reason": "Invalid",
            "details": [
                "name": "kpod", "kind": "PodLogOptions",
                "causes": [["reason": "FieldValueInvalid", "message": "Invalid value: -1: must be greater than or equal to 0", "field": "tailLines"]],
            ],
            "code": 422,
        ])
        let badContainer = try await cluster.get("/api/v1/namespaces/default/pods/kpod/log?container=nope")
        #expect(try JSONValue(parsing: badContainer.body) == [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": "container nope is not valid for pod kpod", "reason": "BadRequest", "code": 400,
        ])
        #expect(stub.calls.isEmpty, "\(stub.calls)")

        let direct = try await cluster.get("/api/v1/namespaces/default/pods/kpod/log?container=c&tailLines=3")
        #expect(direct.status.code == 200 && direct.headers["Content-Type"] == "text/plain")
        #expect(direct.text == Self.lines("kpod/c", 8...10))
        await cluster.stop()
    }

    @Test func followStreamsAsTheKubeletWritesAndAHangUpReachesIt() async throws {
        let cluster = try await Cluster()
        let stub = cluster.stub
        let release = Gate()
        stub.followRelease = release
        let url = cluster.harness.url + "/api/v1/namespaces/default/pods/kpod/log?container=c&follow=true"
        let stream = try await cluster.api.stream(HTTPClientRequest(url: url))
        #expect(stream.status.code == 200 && stream.headers["Content-Type"] == "text/plain")
        var lines = stream.lines.makeAsyncIterator()
        // The first two lines arrive while the kubelet is still holding the rest back.
        #expect(try await lines.next().map { String(decoding: $0, as: UTF8.self) } == "kpod/c follow line 1")
        #expect(try await lines.next().map { String(decoding: $0, as: UTF8.self) } == "kpod/c follow line 2")
        release.open()
        #expect(try await lines.next().map { String(decoding: $0, as: UTF8.self) } == "kpod/c follow line 3")
        #expect(try await lines.next().map { String(decoding: $0, as: UTF8.self) } == "kpod/c follow line 4")
        #expect(try await lines.next() == nil)

        // The client leaves while the kubelet stream is open: the API server drops its kubelet call.
        stub.holdFollow = true
        let held = try await cluster.api.stream(HTTPClientRequest(url: url))
        var heldLines = held.lines.makeAsyncIterator()
        #expect(try await heldLines.next().map { String(decoding: $0, as: UTF8.self) } == "kpod/c follow line 1")
        await held.cancel()
        await stub.hungUp.wait()
        await cluster.stop()
    }

    @Test func nodeProxyPassesKubeletAnswersThrough() async throws {
        let cluster = try await Cluster()
        let (harness, stub) = (cluster.harness, cluster.stub)

        let summary = try await harness.kubectl(["get", "--raw", "/api/v1/nodes/stub-node/proxy/stats/summary"])
        #expect(summary.status == 0 && summary.stdout == StubKubelet.summary, "\(summary)")
        let call = try #require(stub.calls.last)
        #expect(call.path == "/stats/summary" && call.query.isEmpty)
        #expect(call.peer?.commonName == "kube-apiserver-kubelet-client")
        // The caller's headers go along, with the proxy's X-Forwarded-*; its credentials do not.
        #expect(call.headers["Host"] == "127.0.0.1:\(harness.server.port)")
        #expect(call.headers["User-Agent"]?.hasPrefix("kubectl/") == true)
        #expect(call.headers["Kubectl-Command"] == "kubectl get")
        #expect(call.headers["X-Forwarded-For"] == "127.0.0.1")
        #expect(call.headers["X-Forwarded-Uri"] == "/api/v1/nodes/stub-node/proxy/stats/summary")
        #expect(!call.headers.contains("Authorization"))

        let metrics = try await harness.kubectl(["get", "--raw", "/api/v1/nodes/stub-node/proxy/metrics/resource"])
        #expect(metrics.stdout.hasPrefix("# TYPE node_cpu_usage_seconds_total counter\n"), "\(metrics)")
        let pods = try await harness.kubectl(["get", "--raw", "/api/v1/nodes/stub-node/proxy/pods"])
        #expect(pods.stdout == #"{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]}"#, "\(pods)")
        let query = try await harness.kubectl(["get", "--raw", "/api/v1/nodes/stub-node/proxy/stats/summary?only_cpu_and_memory=true"])
        #expect(query.status == 0, "\(query)")
        #expect(stub.calls.last?.path == "/stats/summary" && stub.calls.last?.query == "only_cpu_and_memory=true")
        let withPort = try await harness.kubectl(["get", "--raw", "/api/v1/nodes/stub-node:\(stub.port)/proxy/healthz"])
        #expect(withPort.stdout == "ok", "\(withPort)")
        #expect(stub.calls.last?.path == "/healthz")

        // A bearer token is the API server's business, not the kubelet's; bodies and methods pass through.
        let echo = try await cluster.api.execute(HTTPClientRequest(
            method: .post, url: harness.url + "/api/v1/nodes/stub-node/proxy/echo", body: Array("hello".utf8)))
        #expect(echo.status.code == 202 && echo.text == "POST hello", "\(echo.text)")
        #expect(stub.calls.last?.method == .post && stub.calls.last?.body == "hello")
        #expect(stub.calls.last.map { !$0.headers.contains("Authorization") } == true)

        let healthz = try await cluster.get("/api/v1/nodes/stub-node/proxy/healthz")
        #expect(healthz.status.code == 200 && healthz.text == "ok")
        #expect(healthz.headers["Content-Type"] == "text/plain; charset=utf-8")
        let bare = try await cluster.get("/api/v1/nodes/stub-node/proxy")
        #expect(bare.status.code == 301 && bare.headers["Location"] == "/api/v1/nodes/stub-node/proxy/")
        let noNode = try await harness.kubectl(["get", "--raw", "/api/v1/nodes/other/proxy/healthz"])
        #expect(noNode.stderr == "Error from server (NotFound): nodes \"other\" not found\n", "\(noNode)")
        await cluster.stop()
    }

    @Test func kubeletErrorsAreReportedLikeKubeApiserver() async throws {
        let cluster = try await Cluster()
        let (harness, stub) = (cluster.harness, cluster.stub)

        stub.mode = .notFound
        let logs404 = try await harness.kubectl(["logs", "kpod", "-c", "c"])
        #expect(logs404.status == 1, "\(logs404)")
        #expect(logs404.stderr == "Error from server (NotFound): the server could not find the requested resource ( pods/log kpod)\n")
        let follow404 = try await harness.kubectl(["logs", "-f", "kpod", "-c", "c"])
        #expect(follow404.stderr == logs404.stderr, "\(follow404)")
        let status404 = try await cluster.get("/api/v1/namespaces/default/pods/kpod/log?container=c")
        #expect(try JSONValue(parsing: status404.body) == [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": "the server could not find the requested resource ( pods/log kpod)", "reason": "NotFound",
            "details": ["name": "kpod", "kind": "pods/log"], "code": 404,
        ])
        let proxy404 = try await harness.kubectl(["get", "--raw", "/api/v1/nodes/stub-node/proxy/healthz"])
        #expect(proxy404.stderr == "Error from server (NotFound): the server could not find the requested resource\n", "\(proxy404)")
        let raw404 = try await cluster.get("/api/v1/nodes/stub-node/proxy/stats/summary")
        #expect(raw404.status.code == 404 && raw404.text == "404 page not found\n")
        #expect(raw404.headers["Content-Type"] == "text/plain; charset=utf-8")

        stub.mode = .serverError
        let logs500 = try await harness.kubectl(["logs", "kpod", "-c", "c"])
        #expect(logs500.stderr == "Error from server (InternalError): Internal error occurred: stub kubelet: simulated internal error\n", "\(logs500)")
        let status500 = try await cluster.get("/api/v1/namespaces/default/pods/kpod/log?container=c&follow=true")
        #expect(try JSONValue(parsing: status500.body) == [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": "Internal error occurred: stub kubelet: simulated internal error\n", "reason": "InternalError",
            "details": ["causes": [["message": "stub kubelet: simulated internal error\n"]]], "code": 500,
        ])
        let proxy500 = try await harness.kubectl(["get", "--raw", "/api/v1/nodes/stub-node/proxy/healthz"])
        #expect(
            proxy500.stderr == "Error from server (InternalError): an error on the server (\"stub kubelet: simulated internal error\") has prevented the request from succeeding\n",
            "\(proxy500)")
        let raw500 = try await cluster.get("/api/v1/nodes/stub-node/proxy/healthz")
        #expect(raw500.status.code == 500 && raw500.text == StubKubelet.errorText)
        await cluster.stop()
    }

    /// A kubelet that drops the connection: 500 Statuses worded like Go's client errors. Each case
    /// needs a fresh stub (the first request on a new connection, so that no client retries it).
    @Test func kubeletConnectionFailuresAre500s() async throws {
        let cluster = try await Cluster()
        let harness = cluster.harness
        let first = cluster.stub
        first.mode = .close
        let logs = try await harness.kubectl(["logs", "kpod", "-c", "c"])
        #expect(logs.status == 1, "\(logs)")
        #expect(logs.stderr == "Error from server: Get \"https://127.0.0.1:\(first.port)/containerLogs/default/kpod/c\": EOF\n", "\(logs)")
        #expect(first.calls.count == 1)
        await first.stop()

        let second = try StubKubelet(authority: first.authority)
        second.mode = .close
        try await cluster.pointNode(at: second.port)
        let proxy = try await harness.kubectl(["get", "--raw", "/api/v1/nodes/stub-node/proxy/healthz"])
        #expect(proxy.stderr == "Error from server: error trying to reach service: EOF\n", "\(proxy)")
        await second.stop()
        let status = try await cluster.get("/api/v1/nodes/stub-node/proxy/healthz")
        #expect(try JSONValue(parsing: status.body) == [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string("error trying to reach service: dial tcp 127.0.0.1:\(second.port): connect: connection refused"),
            "code": 500,
        ])
        let refused = try await harness.kubectl(["logs", "kpod", "-c", "c"])
        #expect(
            refused.stderr == "Error from server: Get \"https://127.0.0.1:\(second.port)/containerLogs/default/kpod/c\": dial tcp 127.0.0.1:\(second.port): connect: connection refused\n",
            "\(refused)")
        await cluster.stop()
    }

    @Test func withoutKubeletCredentialsLogsFailClearly() async throws {
        let cluster = try await Cluster(kubeletClient: false)
        let logs = try await cluster.harness.kubectl(["logs", "kpod", "-c", "c"])
        #expect(logs.status == 1, "\(logs)")
        #expect(logs.stderr.contains("no kubelet client certificate configured"), "\(logs)")
        let proxy = try await cluster.get("/api/v1/nodes/stub-node/proxy/healthz")
        #expect(proxy.status.code == 500)
        #expect(cluster.stub.calls.isEmpty)
        await cluster.stop()
    }
}
