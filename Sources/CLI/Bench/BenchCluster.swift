import ControlPlane
import Foundation
import Kube
import Loop

/// The cluster a bench runs against: the embedded control plane in this process or in a child
/// process, or the cluster of a kubeconfig.
@LoopActor
final class BenchCluster {
    let connection: ClusterConnection
    /// How the report names it.
    let description: String
    /// The embedded control plane when it runs in this process.
    private let embedded: EmbeddedControlPlane?
    /// The child process that runs it otherwise.
    private let child: Process?
    private let directory: String?

    var childPID: Int32? { child?.processIdentifier }
    var sharesThisProcess: Bool { embedded != nil }

    init(_ options: BenchOptions) async throws(BenchError) {
        if let path = options.kubeconfig {
            do { connection = try KubeConfig.load(kubeconfigPath: path) } catch {
                throw BenchError("cannot load the cluster configuration: \(error)")
            }
            description = "the cluster at \(connection.server)"
            (embedded, child, directory) = (nil, nil, nil)
        } else if options.separateControlPlane {
            let directory = NSTemporaryDirectory() + "node-agent-bench-\(getpid())"
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let kubeconfig = directory + "/kubeconfig"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            process.arguments = ["emulate", "--nodes", "0", "--port", "0", "--kubeconfig-out", kubeconfig]
            process.standardOutput = FileHandle.nullDevice
            do { try process.run() } catch { throw BenchError("cannot start the control plane process: \(error)") }
            (embedded, child, self.directory) = (nil, process, directory)
            connection = try await Self.waitForKubeconfig(kubeconfig, process: process)
            description = "the embedded control plane (separate process)"
        } else {
            var controlPlaneOptions = ControlPlaneOptions()
            controlPlaneOptions.port = 0
            let controlPlane: EmbeddedControlPlane
            do {
                controlPlane = try EmbeddedControlPlane(options: controlPlaneOptions)
                try controlPlane.start()
            } catch {
                throw BenchError("cannot start the control plane: \(error)")
            }
            connection = controlPlane.adminConnection
            description = "the embedded control plane (same process)"
            (embedded, child, directory) = (controlPlane, nil, nil)
        }
    }

    private static func waitForKubeconfig(_ path: String, process: Process) async throws(BenchError) -> ClusterConnection {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, process.isRunning {
            if FileManager.default.fileExists(atPath: path), let connection = try? KubeConfig.load(kubeconfigPath: path) {
                return connection
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw BenchError("the control plane process did not write \(path) within 60 s")
    }

    /// `apiserver_request_total` summed by verb, from the control plane's `/metrics`; nil if it has none.
    func requestCounts(_ client: KubeClient) async -> [String: Double]? {
        guard let response = try? await client.send(.get, path: "/metrics"), response.status.code == 200 else { return nil }
        var counts: [String: Double] = [:]
        for line in response.text.split(separator: "\n") where line.hasPrefix("apiserver_request_total{") {
            guard let verbStart = line.range(of: "verb=\"")?.upperBound,
                let verbEnd = line[verbStart...].firstIndex(of: "\""),
                let value = line.split(separator: " ").last.flatMap({ Double($0) })
            else { continue }
            counts[String(line[verbStart..<verbEnd]), default: 0] += value
        }
        return counts
    }

    func stop() async {
        if let embedded { try? await embedded.stop() }
        if let child, child.isRunning {
            child.terminate()
            while child.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        }
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }
}

/// Why a bench could not run, as one line.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
