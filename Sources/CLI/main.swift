import Glibc
import NodeAgent

// The flags of SPEC §1.1 arrive with the node-agent issue; until then the CLI answers only what exists.
let usage = """
    node-agent — a virtual-kubelet node agent: registers virtual nodes with a Kubernetes cluster and runs
    their pods through a pluggable provider.

    Usage:
      node-agent [command] [flags]

    Commands:
      emulate        Run the embedded control plane (a Kubernetes API server) on this machine.
      version        Print the version and exit.
      help           Print this help and exit.

    Flags:
      -h, --help     Print this help and exit.
          --version  Print the version and exit.

    """

func fail(_ message: String) -> Never {
    let line = Array("node-agent: \(message) (see 'node-agent --help')\n".utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case nil, "help", "-h", "--help":
    print(usage, terminator: "")
case "emulate":
    await Emulate.run(Emulate.options(arguments.dropFirst()))
case "version", "--version":
    guard arguments.count == 1 else { fail("'version' takes no arguments") }
    print("node-agent \(NodeAgent.version)")
case let word? where word.hasPrefix("-"):
    fail("unknown flag: \(word)")
case let word?:
    fail("unknown command: \(word)")
}
