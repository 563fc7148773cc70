import Glibc
import Loop
import NodeAgent

let usage = """
    node-agent — a virtual-kubelet node agent: registers virtual nodes with a Kubernetes cluster and runs
    their pods through a pluggable provider.

    Usage:
      node-agent [flags]            Run the agent on the cluster of --kubeconfig (flags: node-agent --help).
      node-agent emulate [flags]    Run an embedded control plane with the agent's nodes on this machine.
      node-agent bench [flags]      Measure the agent: N nodes, M pods, steady-state heartbeats (node-agent bench --help).
      node-agent version            Print the version.


    """

func fail(_ message: String) -> Never {
    Logger.standardError("node-agent: \(message) (see 'node-agent --help')\n")
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "help":
    print(usage + AgentOptions.help, terminator: "")
case "emulate":
    await Emulate.run(Emulate.options(arguments.dropFirst()))
case "bench":
    await Bench.run(BenchOptions.parse(arguments.dropFirst()))
case "version", "--version":
    guard arguments.count == 1 else { fail("'version' takes no arguments") }
    print("node-agent \(NodeAgent.version)")
case nil:
    await RunAgent.run([])
case let word? where word.hasPrefix("-"):
    if word == "-h" || word == "--help" { print(usage, terminator: "") }
    await RunAgent.run(arguments[...])
case let word?:
    fail("unknown command: \(word)")
}
