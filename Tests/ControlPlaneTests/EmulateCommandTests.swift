import Foundation
import Kube
import TestSupport
import Testing

/// `node-agent emulate` as a user runs it: kubeconfig written, state kept across a restart.
@Suite(.timeLimit(.minutes(2))) struct EmulateCommandTests {
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("node-agent").path
    }

    @Test func stateSurvivesARestart() async throws {
        let directory = try TemporaryDirectory.make(prefix: "emulate")
        let kubeconfig = directory + "/kubeconfig"
        let state = directory + "/state.json"
        let arguments = ["emulate", "--port", "0", "--kubeconfig", kubeconfig, "--state-file", state]

        let first = try Self.launch(arguments)
        #expect(await eventually { FileManager.default.fileExists(atPath: kubeconfig) })
        let manifest = directory + "/cm.yaml"
        try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\ndata:\n  a: b\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        let created = try await run("/usr/bin/kubectl", ["--kubeconfig", kubeconfig, "apply", "-f", manifest])
        #expect(created.status == 0, "\(created)")
        first.process.terminate()
        first.waitForExit()
        #expect(first.process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: state))

        try FileManager.default.removeItem(atPath: kubeconfig)
        let second = try Self.launch(arguments)
        #expect(await eventually { FileManager.default.fileExists(atPath: kubeconfig) })
        let fetched = try await run("/usr/bin/kubectl", ["--kubeconfig", kubeconfig, "get", "configmap", "kept", "-o", "jsonpath={.data.a}"])
        #expect(fetched.stdout == "b", "\(fetched)")
        second.process.terminate()
        second.waitForExit()
    }

    @Test func badFlagsAreOneLine() async throws {
        let result = try await run(Self.binary, ["emulate", "--port", "nope"])
        #expect(result.status == 2)
        #expect(result.stderr == "node-agent: --port must be a whole number in 0…65535, got nope (see 'node-agent --help')\n")
    }

    static func launch(_ arguments: [String]) throws -> (process: Process, waitForExit: () -> Void) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return (process, try process.launchForWaiting())
    }
}
