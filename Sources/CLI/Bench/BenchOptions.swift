import Foundation
import Kube

/// `node-agent bench` flags.
struct BenchOptions {
    var nodes = 100
    var pods = 1000
    var provider = "mock"
    var providerConfig: String?
    /// Leave `nodeName` empty and let the scheduler bind the pods.
    var schedule = false
    /// An existing cluster; nil runs the embedded control plane.
    var kubeconfig: String?
    /// Run the embedded control plane in a child process, so that the agent's CPU and memory are its own.
    var separateControlPlane = false
    var json = false
    /// How long the steady state (heartbeats only) is measured.
    var steady: Duration = .seconds(30)
    var nodeName = "bench"
    var namespace = "node-agent-bench"

    static let usage = """
        Usage: node-agent bench [--nodes N] [--pods M] [--provider mock|kubemark] [flags]

        Registers N nodes, creates M pods bound across them, waits until every node is Ready and every
        pod Running, measures a steady state of heartbeats, prints the figures and deletes what it made.

          --nodes N                nodes (default 100)
          --pods M                 pods (default 1000; 0 measures nodes only)
          --provider NAME          mock or kubemark (default mock)
          --provider-config FILE   the provider's config
          --schedule               leave pods unbound for the scheduler (default: nodeName set directly)
          --kubeconfig PATH        an existing cluster (default: the embedded control plane)
          --separate-control-plane run the embedded control plane as a child process, so the figures
                                   of the agent and of the control plane are measured apart
          --steady SECONDS         length of the steady-state measurement (default 30)
          --nodename PREFIX        node names PREFIX-0 … (default bench)
          --namespace NS           the pods' namespace (default node-agent-bench)
          --json                   print the figures as JSON instead of a table

        """

    static func parse(_ arguments: ArraySlice<String>) -> BenchOptions {
        var options = BenchOptions()
        var flags = Flags(arguments)
        while let flag = flags.next() {
            switch flag {
            case "-h", "--help":
                print(usage, terminator: "")
                exit(0)
            case "--nodes": options.nodes = flags.int(flag, in: 1...1_000_000)
            case "--pods": options.pods = flags.int(flag, in: 0...10_000_000)
            case "--provider": options.provider = flags.value(flag)
            case "--provider-config": options.providerConfig = flags.value(flag)
            case "--schedule": options.schedule = flags.bool(flag)
            case "--kubeconfig": options.kubeconfig = flags.value(flag)
            case "--separate-control-plane": options.separateControlPlane = flags.bool(flag)
            case "--steady": options.steady = .seconds(flags.int(flag, in: 1...3600))
            case "--nodename": options.nodeName = flags.value(flag)
            case "--namespace": options.namespace = flags.value(flag)
            case "--json": options.json = flags.bool(flag)
            default: fail("unknown flag for bench: \(flag)")
            }
        }
        if options.kubeconfig != nil, options.separateControlPlane {
            fail("--separate-control-plane runs the embedded control plane; it cannot be combined with --kubeconfig")
        }
        return options
    }
}
