import ControlPlane
import Glibc
import Loop

/// `node-agent emulate`: the embedded control plane on its own, until SIGINT or SIGTERM.
enum Emulate {
    static let usage = """
        Usage: node-agent emulate [--address A] [--port P] [--kubeconfig PATH] [--state-file PATH]

          --address     IP address to listen on (default 127.0.0.1)
          --port        port (default 6443; 0 picks a free one)
          --kubeconfig  where to write an admin kubeconfig (default ./kubeconfig)
          --state-file  load objects from this file at start and save them at exit

        """

    static func options(_ arguments: ArraySlice<String>) -> ControlPlaneOptions {
        var options = ControlPlaneOptions()
        options.port = 6443
        options.kubeconfigPath = "kubeconfig"
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            if flag == "-h" || flag == "--help" { print(usage, terminator: ""); exit(0) }
            guard let value = iterator.next() else { fail("flag \(flag) needs a value") }
            switch flag {
            case "--address": options.host = value
            case "--port":
                guard let port = Int(value), (0...65535).contains(port) else { fail("--port must be 0–65535, got \(value)") }
                options.port = port
            case "--kubeconfig": options.kubeconfigPath = value
            case "--state-file": options.stateFile = value
            default: fail("unknown flag for emulate: \(flag)")
            }
        }
        return options
    }

    static func run(_ options: ControlPlaneOptions) async {
        let failure: String? = await Task { @LoopActor () -> String? in
            let controlPlane: EmbeddedControlPlane
            do {
                controlPlane = try EmbeddedControlPlane(options: options)
                try controlPlane.start()
            } catch {
                return "cannot start the control plane: \(error)"
            }
            say("control plane serving at \(controlPlane.url)")
            if let path = options.kubeconfigPath { say("admin kubeconfig written to \(path)") }
            let signal = await Signals.shutdownRequested()
            say("signal \(signal): saving state and stopping")
            do { try await controlPlane.stop() } catch { return "cannot save state: \(error)" }
            return nil
        }.value
        if let failure { fail(failure) }
    }

    private static func say(_ text: String) {
        let line = Array("node-agent: \(text)\n".utf8)
        _ = line.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}
