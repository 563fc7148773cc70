import ControlPlane
import Foundation
import Kube
import Loop
import Testing

@Suite(.timeLimit(.minutes(2))) @LoopActor struct KubectlBasicsTests {
    @Test func getNamespacesAndVersion() async throws {
        let harness = try Harness()
        let namespaces = try await harness.kubectl(["get", "namespaces", "-o", "name"])
        #expect(namespaces.status == 0, "\(namespaces)")
        #expect(namespaces.stdout.split(separator: "\n").sorted() == [
            "namespace/default", "namespace/kube-node-lease", "namespace/kube-public", "namespace/kube-system",
        ])
        #expect(namespaces.stderr.isEmpty, "\(namespaces)")
        await harness.stop()
    }

    /// `apiserver_request_total` by verb and resource, as `kubectl get --raw /metrics` shows it.
    @Test func metricsCountRequestsByVerbAndResource() async throws {
        let harness = try Harness()
        for _ in 0..<2 { _ = try await harness.kubectl(["get", "configmaps"]) }
        let metrics = try await harness.kubectl(["get", "--raw", "/metrics"])
        #expect(metrics.status == 0, "\(metrics)")
        #expect(metrics.stdout.hasPrefix("# HELP apiserver_request_total "), "\(metrics)")
        #expect(metrics.stdout.contains("apiserver_request_total{resource=\"configmaps\",verb=\"LIST\"} 2\n"), "\(metrics)")
        await harness.stop()
    }

    @Test func createLabelGetDeleteAConfigMap() async throws {
        let harness = try Harness()
        let manifest = try harness.file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: \"1\"\n")
        let created = try await harness.kubectl(["create", "-f", manifest])
        #expect(created.status == 0, "\(created)")
        #expect(created.stdout == "configmap/settings created\n", "\(created)")
        let labelled = try await harness.kubectl(["label", "configmap", "settings", "tier=gold"])
        #expect(labelled.status == 0, "\(labelled)")
        let yaml = try await harness.kubectl(["get", "configmap", "-l", "tier=gold", "-o", "jsonpath={.items[*].data.a}"])
        #expect(yaml.stdout == "1", "\(yaml)")
        let deleted = try await harness.kubectl(["delete", "configmap", "settings"])
        #expect(deleted.status == 0, "\(deleted)")
        let missing = try await harness.kubectl(["get", "configmap", "settings"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("configmaps \"settings\" not found"), "\(missing)")
        await harness.stop()
    }
}

@Suite(.timeLimit(.minutes(2))) @LoopActor struct KubectlImperativeTests {
    /// These commands send protobuf bodies.
    @Test func createCommandsThatSendProtobuf() async throws {
        let harness = try Harness()
        let commands: [([String], String)] = [
            (["create", "namespace", "team"], "namespace/team created\n"),
            (["create", "configmap", "settings", "-n", "team", "--from-literal=a=1"], "configmap/settings created\n"),
            (["create", "secret", "generic", "token", "-n", "team", "--from-literal=t=x"], "secret/token created\n"),
            (["create", "deployment", "web", "-n", "team", "--image=nginx", "--replicas=2"], "deployment.apps/web created\n"),
            (["create", "pdb", "web", "-n", "team", "--selector=app=web", "--min-available=1"], "poddisruptionbudget.policy/web created\n"),
        ]
        for (arguments, output) in commands {
            let result = try await harness.kubectl(arguments)
            #expect(result.stdout == output && result.status == 0, "\(result)")
        }
        let value = try await harness.kubectl(["get", "configmap", "settings", "-n", "team", "-o", "jsonpath={.data.a}"])
        #expect(value.stdout == "1", "\(value)")
        let replicas = try await harness.kubectl(["wait", "-n", "team", "--for=jsonpath={.status.replicas}=2", "deployment/web", "--timeout=60s"])
        #expect(replicas.status == 0, "\(replicas)")
        await harness.stop()
    }
}
