import Foundation
import TestSupport
import Testing

/// `node-agent` and `node-agent emulate` as a user runs them.
@Suite(.timeLimit(.minutes(2))) struct AgentCommandTests {
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("node-agent").path
    }

    @Test(arguments: [
        (["--nodes", "many"], "--nodes must be a whole number in 1…1000000, got many"),
        (["--provider", "nope"], "unknown provider \"nope\" (known: kubemark, mock)"),
        (["--taint", "a=b:Sometimes"], "--taint must be KEY=VALUE:EFFECT with EFFECT NoSchedule, PreferNoSchedule or NoExecute, got a=b:Sometimes"),
        (["--node-status-update-frequency", "soon"], "--node-status-update-frequency must be a positive duration such as 1m or 30s, got soon"),
        (["--log-format", "xml"], "--log-format must be text or json, got xml"),
        (["--bogus"], "unknown flag: --bogus"),
        (["--kubeconfig", "/nonexistent/kubeconfig"], "cannot load the cluster configuration: kubeconfig /nonexistent/kubeconfig: file not found (from --kubeconfig)"),
        (["--provider-config"], "flag --provider-config needs a value"),
    ])
    func badFlagsAreOneLine(arguments: [String], message: String) async throws {
        let result = try await run(Self.binary, arguments)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr == "node-agent: \(message) (see 'node-agent --help')\n", "\(result)")
    }

    @Test func aBadProviderConfigIsOneLine() async throws {
        let directory = try TemporaryDirectory.make(prefix: "agent-command")
        let config = directory + "/mock.yaml"
        try "capacity: [1, 2]\n".write(toFile: config, atomically: true, encoding: .utf8)
        let result = try await run(Self.binary, ["emulate", "--port", "0", "--kubeconfig-out", directory + "/kc", "--provider-config", config])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.hasPrefix("node-agent: ") && result.stderr.contains(config) && result.stderr.split(separator: "\n").count == 1, "\(result)")
    }

    @Test func helpListsEveryFlag() async throws {
        let result = try await run(Self.binary, ["--help"])
        #expect(result.status == 0)
        for flag in [
            "--kubeconfig", "--provider", "--provider-config", "--nodename", "--nodes", "--os", "--taint", "--disable-taint", "--no-schedule",
            "--node-labels", "--namespace", "--node-ip", "--kubelet-port", "--listen-address", "--tls-cert-file",
            "--tls-private-key-file", "--client-ca-file", "--authentication-token-webhook", "--authorization-mode",
            "--kube-api-qps", "--kube-api-burst", "--node-lease-duration-seconds", "--node-status-update-frequency",
            "--log-level", "--log-format", "--metrics-address", "--delete-nodes-on-exit",
        ] {
            #expect(result.stdout.contains(flag), "missing \(flag)")
        }
    }

    /// What `make run` does, with three nodes: the nodes are Ready for kubectl, then SIGTERM stops it cleanly.
    /// A proxy in the environment (here one that refuses every connection) is not used for loopback, as
    /// with kubectl.
    @Test func emulateRegistersNodesAndStopsCleanly() async throws {
        let directory = try TemporaryDirectory.make(prefix: "agent-command")
        let kubeconfig = directory + "/kubeconfig"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["emulate", "--port", "0", "--nodes", "3", "--kubeconfig-out", kubeconfig]
        let deadProxy = "http://127.0.0.1:\(try closedPort())"
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["http_proxy": deadProxy, "https_proxy": deadProxy, "HTTPS_PROXY": deadProxy, "no_proxy": ""]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let waitForExit = try process.launchForWaiting()
        #expect(await eventually { FileManager.default.fileExists(atPath: kubeconfig) })
        let nodes = try await run("/usr/bin/kubectl", [
            "--kubeconfig", kubeconfig, "wait", "--for=condition=Ready", "node/virtual-kubelet-0", "node/virtual-kubelet-1",
            "node/virtual-kubelet-2", "--timeout=60s",
        ])
        #expect(nodes.status == 0, "\(nodes)")
        process.terminate()
        waitForExit()
        #expect(process.terminationStatus == 0)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(printed.contains("3 of 3 nodes Ready after"), "\(printed)")
        #expect(printed.contains("kubectl get nodes"), "\(printed)")
    }

    /// `node-agent bench` against a running control plane (so that what it leaves behind can be
    /// checked): it measures every phase, prints JSON and deletes its nodes, leases, pods and namespace.
    @Test func benchMeasuresThenDeletesWhatItMade() async throws {
        let directory = try TemporaryDirectory.make(prefix: "agent-bench")
        let kubeconfig = directory + "/kubeconfig"
        let controlPlane = Process()
        controlPlane.executableURL = URL(fileURLWithPath: Self.binary)
        controlPlane.arguments = ["emulate", "--nodes", "0", "--port", "0", "--kubeconfig-out", kubeconfig]
        controlPlane.standardOutput = FileHandle.nullDevice
        let waitForExit = try controlPlane.launchForWaiting()
        defer {
            controlPlane.terminate()
            waitForExit()
        }
        #expect(await eventually { FileManager.default.fileExists(atPath: kubeconfig) })
        let bench = try await run(
            Self.binary, ["bench", "--kubeconfig", kubeconfig, "--nodes", "100", "--pods", "1000", "--steady", "2", "--json"], limit: 100)
        #expect(bench.status == 0, "\(bench)")
        let figures = try JSONSerialization.jsonObject(with: Data(bench.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(figures["nodes"] as? Int == 100 && figures["pods"] as? Int == 1000, "\(bench.stdout)")
        #expect((figures["podsRunningSeconds"] as? Double ?? 0) > 0)
        #expect((figures["settleSeconds"] as? Double ?? -1) >= 0, "\(bench.stdout)")
        #expect(((figures["leaseLateness"] as? [String: Any])?["renewals"] as? Int ?? 0) > 0)
        #expect(((figures["agent"] as? [String: Any])?["rssPerNodeBytes"] as? Double) != nil)
        // The pods' events are all written by the time the steady state starts: none are sent during it.
        let requests = figures["agentRequests"] as? [String: [String: Double]] ?? [:]
        #expect((requests["settling"] != nil) && (requests["steady"]?["POST"] ?? 0) == 0, "\(bench.stdout)")
        #expect(bench.stderr.contains("pods Running") && bench.stderr.contains("deleting what the bench made"), "\(bench.stderr)")

        for (resource, namespace) in [("nodes", "default"), ("pods", "node-agent-bench"), ("leases", "kube-node-lease")] {
            let left = try await run("/usr/bin/kubectl", ["--kubeconfig", kubeconfig, "get", resource, "-n", namespace, "-o", "name"])
            #expect(left.status == 0 && !left.stdout.contains("bench-"), "\(resource): \(left)")
        }
    }
}
