import Foundation
import HTTP
import HTTPClient
import Kube
import Loop
import NodeAgent
import TestSupport
import Testing

/// The agent end to end (issue 5 §8): the embedded control plane, the agent with the mock provider,
/// and real kubectl.
@Suite(.serialized, .timeLimit(.minutes(3))) @LoopActor struct AgentKubectlTests {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 20
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              tolerations:
              - {key: virtual-kubelet.io/provider, operator: Exists}
              containers:
              - {name: nginx, image: nginx:1.27}
        """

    @Test func nodesAreReadyAndLeasesRenewed() async throws {
        let cluster = try AgentCluster(nodes: 3, leaseDurationSeconds: 4)
        try await cluster.startAgent()
        let nodes = try await cluster.kubectl([
            "get", "nodes", "-o", #"jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}"#,
        ])
        #expect(nodes.stdout == "agent-node-0=True agent-node-1=True agent-node-2=True ", "\(nodes)")
        let lease = ["get", "lease", "-n", "kube-node-lease", "agent-node-1", "-o", "jsonpath={.spec.renewTime}"]
        let first = try await cluster.kubectl(lease).stdout
        #expect(!first.isEmpty)
        // Renewed every second (a quarter of 4 s): a new renewTime shows up soon.
        var renewed = false
        for _ in 0..<50 where !renewed {
            try await Task.sleep(for: .milliseconds(200))
            renewed = try await cluster.kubectl(lease).stdout != first
        }
        #expect(renewed)
        let wide = try await cluster.kubectl(["get", "nodes", "-o", "wide", "--no-headers"])
        #expect(wide.stdout.contains("v1.32.0-node-agent"), "\(wide)")
        await cluster.stop()
    }

    @Test func aDeploymentRunsOnTheAgentsNodesWithLogsAndDeletion() async throws {
        let cluster = try AgentCluster(nodes: 3)
        try await cluster.startAgent()
        let applied = try await cluster.kubectl(["apply", "-f", "-"], stdin: Self.deployment)
        #expect(applied.status == 0, "\(applied)")
        let waited = try await cluster.kubectl(["wait", "--for=condition=Ready", "pod", "-l", "app=web", "--timeout=60s"])
        #expect(waited.status == 0, "\(waited)")
        let listed = try await cluster.kubectl([
            "get", "pods", "-l", "app=web", "-o", #"jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.podIP} {.status.phase}{"\n"}{end}"#,
        ])
        let rows = listed.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.count == 20, "\(listed)")
        #expect(rows.allSatisfy { $0.count == 4 && $0[1].hasPrefix("agent-node-") && $0[3] == "Running" })
        #expect(Set(rows.map { $0[2] }).count == 20)
        let pod = try #require(rows.first?.first)

        let logs = try await cluster.kubectl(["logs", pod])
        #expect(logs.stdout == (1...5).map { "\(pod) nginx line \($0)\n" }.joined(), "\(logs)")
        let tail = try await cluster.kubectl(["logs", pod, "--tail=1", "--timestamps"])
        #expect(tail.stdout.hasSuffix("Z \(pod) nginx line 5\n"), "\(tail)")
        // `logs -f` streams and stays open: timeout ends it.
        let follow = try await run("/usr/bin/timeout", ["3", "/usr/bin/kubectl", "--kubeconfig", cluster.kubeconfig, "logs", "-f", pod])
        #expect(follow.status == 124, "\(follow)")
        #expect(follow.stdout.hasPrefix("\(pod) nginx line 1\n"), "\(follow)")
        let missing = try await cluster.kubectl(["logs", pod, "-c", "nope"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("container nope is not valid for pod \(pod)"), "\(missing)")

        let deleted = try await cluster.kubectl(["delete", "pod", pod, "--timeout=30s"])
        #expect(deleted.status == 0, "\(deleted)")
        let gone = try await cluster.kubectl(["get", "pod", pod])
        #expect(gone.status != 0 && gone.stderr.contains("NotFound"), "\(gone)")
        let replaced = try await cluster.kubectl(["wait", "--for=condition=Ready", "pod", "-l", "app=web", "--timeout=60s"])
        #expect(replaced.status == 0, "\(replaced)")
        await cluster.stop()
    }

    @Test func aKilledAgentsNodesGoUnknownAndComeBackWithTheirPods() async throws {
        let cluster = try AgentCluster(nodes: 2, grace: .seconds(2))
        try await cluster.startAgent()
        _ = try await cluster.kubectl(["apply", "-f", "-"], stdin: Self.deployment.replacingOccurrences(of: "replicas: 20", with: "replicas: 4"))
        #expect(try await cluster.kubectl(["wait", "--for=condition=Ready", "pod", "-l", "app=web", "--timeout=60s"]).status == 0)
        let uids = ["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].metadata.uid}"]
        let before = try await cluster.kubectl(uids).stdout
        let created = cluster.provider.createCount

        await cluster.stopAgent()
        let unknown = try await cluster.kubectl(["wait", "--for=condition=Ready=Unknown", "node", "--all", "--timeout=60s"])
        #expect(unknown.status == 0, "\(unknown)")
        let taints = try await cluster.kubectl(["get", "node", "agent-node-0", "-o", "jsonpath={.spec.taints[*].key}"])
        #expect(taints.stdout.contains("node.kubernetes.io/unreachable"), "\(taints)")

        try await cluster.startAgent()
        let ready = try await cluster.kubectl(["wait", "--for=condition=Ready", "node", "--all", "--timeout=60s"])
        #expect(ready.status == 0, "\(ready)")
        #expect(try await cluster.kubectl(["wait", "--for=condition=Ready", "pod", "-l", "app=web", "--timeout=60s"]).status == 0)
        #expect(try await cluster.kubectl(uids).stdout == before)
        #expect(cluster.provider.createCount == created)
        let phases = try await cluster.kubectl(["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].status.phase}"])
        #expect(phases.stdout == "Running Running Running Running", "\(phases)")
        await cluster.stop()
    }

    @Test func theKubeletAPIRefusesStrangersAndAnswersBadRequestsCleanly() async throws {
        let cluster = try AgentCluster(nodes: 1)
        try await cluster.startAgent()
        let port = try #require(cluster.kubelet?.port)
        // No client certificate, no token: 401.
        var anonymous = HTTPClientConfiguration()
        anonymous.tls = ClientTLSConfiguration(insecureSkipVerify: true)
        let stranger = HTTPClient(configuration: anonymous)
        let refused = try await stranger.execute(HTTPClientRequest(method: .get, url: "https://127.0.0.1:\(port)/pods"))
        #expect(refused.status.code == 401)
        stranger.shutdown()
        // Through the API server (its kubelet client certificate): a bad option is a 400 from the kubelet.
        _ = try await cluster.kubectl(["run", "one", "--image=busybox", "--overrides", #"{"spec":{"nodeName":"agent-node"}}"#])
        #expect(try await cluster.kubectl(["wait", "--for=condition=Ready", "pod/one", "--timeout=60s"]).status == 0)
        let raw = try await cluster.kubectl(["get", "--raw", "/api/v1/nodes/agent-node/proxy/containerLogs/default/one/one?tailLines=many"])
        #expect(raw.status != 0)
        #expect(raw.stderr.contains("400") || raw.stderr.contains("BadRequest") || raw.stderr.contains("tailLines"), "\(raw)")
        let unknown = try await cluster.kubectl(["get", "--raw", "/api/v1/nodes/agent-node/proxy/no/such/path"])
        #expect(unknown.status != 0 && unknown.stderr.contains("NotFound"), "\(unknown)")
        let pods = try await cluster.kubectl(["get", "--raw", "/api/v1/nodes/agent-node/proxy/pods"])
        #expect(pods.stdout.contains(#""kind":"PodList""#), "\(pods)")
        await cluster.stop()
    }
}
