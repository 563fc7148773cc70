import ControlPlane
import Foundation
import HTTPServer
import Kube
import Loop
import NodeAgent

/// `node-agent emulate`: the embedded control plane and the agent's nodes in one process, until SIGINT
/// or SIGTERM.
enum Emulate {
    static let usage = """
        Usage: node-agent emulate [--nodes N] [--provider P] [--kubeconfig-out PATH] [flags]

        Runs an embedded Kubernetes control plane on this machine and registers the agent's nodes with it.

          --nodes N              nodes to register (default 1; 0 runs the control plane alone)
          --nodename NAME        node name, or prefix of NAME-0 … NAME-(N-1) (default virtual-kubelet)
          --provider NAME        the nodes' provider (default mock)
          --provider-config FILE the provider's config
          --no-schedule          also taint the nodes kubemark=true:NoSchedule
          --kubeconfig-out PATH  where to write an admin kubeconfig (default ./kubeconfig; --kubeconfig is the same)
          --address IP           control plane address (default 127.0.0.1)
          --port P               control plane port (default 6443; 0 picks a free one)
          --state-file PATH      load objects from this file at start and save them at exit
          --log-level LEVEL      the agent's log level (default warning)
          --log-format FORMAT    text or json (default text)

        """

    struct Options {
        var controlPlane = ControlPlaneOptions()
        var agent = AgentOptions()
    }

    static func options(_ arguments: ArraySlice<String>) -> Options {
        var options = Options()
        options.controlPlane.port = 6443
        options.controlPlane.kubeconfigPath = "kubeconfig"
        options.agent.logLevel = .warning
        options.agent.agent.nodeIP = "127.0.0.1"
        var flags = Flags(arguments)
        while let flag = flags.next() {
            switch flag {
            case "-h", "--help":
                print(usage, terminator: "")
                exit(0)
            case "--address": options.controlPlane.host = flags.value(flag)
            case "--port": options.controlPlane.port = flags.int(flag, in: 0...65535)
            case "--kubeconfig", "--kubeconfig-out": options.controlPlane.kubeconfigPath = flags.value(flag)
            case "--state-file": options.controlPlane.stateFile = flags.value(flag)
            case "--nodes": options.agent.agent.nodeCount = flags.int(flag, in: 0...1_000_000)
            case "--no-schedule": options.agent.agent.noSchedule = flags.bool(flag)
            case "--nodename", "--provider", "--provider-config", "--log-level", "--log-format":
                let value = flags.value(flag)
                options.agent = AgentOptions.parse([flag, value], into: options.agent)
            default: fail("unknown flag for emulate: \(flag)")
            }
        }
        return options
    }

    static func run(_ options: Options) async {
        let failure: String? = await Task { @LoopActor () -> String? in
            let controlPlane: EmbeddedControlPlane
            do {
                controlPlane = try EmbeddedControlPlane(options: options.controlPlane)
                try controlPlane.start()
            } catch {
                return "cannot start the control plane: \(error)"
            }
            say("control plane serving at \(controlPlane.url)")
            var assembly: AgentAssembly?
            if options.agent.agent.nodeCount > 0 {
                do {
                    assembly = try await startAgent(options.agent, controlPlane: controlPlane)
                } catch {
                    try? await controlPlane.stop()
                    return "\(error)"
                }
            }
            if let path = options.controlPlane.kubeconfigPath {
                let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
                say("admin kubeconfig written to \(path); try:\n  export KUBECONFIG=\(absolute)\n  kubectl get nodes")
            }
            let signal = await Signals.shutdownRequested()
            say("signal \(signal): stopping the agent, saving state and stopping")
            await assembly?.stop()
            do { try await controlPlane.stop() } catch { return "cannot save state: \(error)" }
            return nil
        }.value
        if let failure { fail(failure) }
    }

    /// The agent joins the control plane as its admin; the control plane reaches the kubelet API with
    /// its kubelet client certificate, which the kubelet API trusts, and verifies the serving
    /// certificate the control plane's CA issued it.
    @LoopActor
    private static func startAgent(_ options: AgentOptions, controlPlane: EmbeddedControlPlane) async throws -> AgentAssembly {
        let pki = controlPlane.pki
        let serving = try pki.authority.issue(
            CertificateSubject(commonName: "node-agent-kubelet"), usage: .serverAuth, dnsNames: ["localhost"],
            ipAddresses: [options.agent.nodeIP])
        var kubeletAPI = KubeletAPIConfiguration(
            listenAddress: options.agent.nodeIP, port: 0, servingCertificate: .pem(serving.certificatePEM),
            servingKey: .pem(serving.privateKeyPEM), clientCAFile: .pem(pki.authority.certificatePEM))
        kubeletAPI.authorizationMode = .alwaysAllow
        let total = options.agent.nodeCount
        let started = ContinuousClock.now
        let assembly = try await AgentAssembly(
            options: options, client: KubeClient(connection: controlPlane.adminConnection, qps: 0), kubeletAPI: kubeletAPI,
            logger: Logger(level: options.logLevel, format: options.logFormat),
            progress: Progress.reporter { say("registering nodes: \($0)") })
        let seconds = (ContinuousClock.now - started).seconds
        say("\(assembly.agent.readyCount) of \(total) nodes Ready after \(String(format: "%.2f", seconds)) s (provider \(options.agent.providerName), kubelet API on \(options.agent.nodeIP):\(assembly.kubelet.port))")
        return assembly
    }

    private static func say(_ text: String) {
        let line = Array("node-agent: \(text)\n".utf8)
        _ = line.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}
