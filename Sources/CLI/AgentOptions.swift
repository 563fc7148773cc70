import Glibc
import Kube
import NodeAgent
import Providers

/// Everything `node-agent` (the agent on a cluster) is told on its command line (SPEC §1.1).
struct AgentOptions {
    var agent = AgentConfiguration()
    var kubeconfig: String?
    var providerConfig: String?
    /// `--kube-api-qps`/`--kube-api-burst`; nil = scaled to the node count (see `help`).
    var qps: Double?
    var burst: Int?
    var nodeIPGiven = false
    var listenAddress = "0.0.0.0"
    var tlsCertFile: String?
    var tlsKeyFile: String?
    var clientCAFile: String?
    var anonymousAuth = false
    var tokenWebhook = false
    var authorizationWebhook = false
    var logLevel = Logger.Level.info
    var logFormat = Logger.Format.text
    var metricsAddress: String?

    static let help = """
        Usage: node-agent [flags]
               node-agent emulate [flags]     (see node-agent emulate --help)

        Registers virtual nodes with a Kubernetes cluster and runs their pods through a provider.

        Cluster:
          --kubeconfig PATH                   kubeconfig (default $KUBECONFIG, then ~/.kube/config, then in-cluster)
          --kube-api-qps N                    client requests per second (default 50 + nodes/4; 0 = unlimited)
          --kube-api-burst N                  client burst (default 2 × qps)
          --namespace NS                      only run pods of this namespace (default all)
        Provider:
          --provider NAME                     \(Providers.names.joined(separator: ", ")) (default mock)
          --provider-config FILE              the provider's YAML or JSON config
        Nodes:
          --nodename NAME                     node name (default virtual-kubelet)
          --nodes N                           register N nodes NAME-0 … NAME-(N-1) (default 1)
          --os Linux|Windows                  operating system the nodes report (default Linux)
          --node-labels k=v,…                 extra node labels
          --taint KEY=VALUE:EFFECT            a node taint; repeatable (default virtual-kubelet.io/provider=<provider>:NoSchedule)
          --disable-taint                     register the nodes without a taint
          --no-schedule                       also taint the nodes kubemark=true:NoSchedule (as kubemark's flag does)
          --node-ip IP                        the nodes' InternalIP, where the kubelet API is reached
                                              (default the host's first non-loopback IPv4 address, else 127.0.0.1)
          --pod-cidr CIDR                     pod IPs, split among the nodes (default 10.244.0.0/16; a node's spec.podCIDR wins)
          --node-lease-duration-seconds N     lease duration, renewed every quarter of it (default 40)
          --node-status-update-frequency D    longest time between node status writes (default 1m)
          --delete-nodes-on-exit              delete the nodes on SIGINT/SIGTERM (default: keep them)
        Kubelet API (HTTPS, one listener for all nodes):
          --listen-address IP                 address to listen on (default 0.0.0.0)
          --kubelet-port N                    port (default 10250)
          --tls-cert-file PATH                serving certificate (default: a self-signed one made at start)
          --tls-private-key-file PATH         its key
          --client-ca-file PATH               accept client certificates signed by this CA
          --authentication-token-webhook      check bearer tokens with TokenReview
          --anonymous-auth                    let unauthenticated requests through as system:anonymous
          --authorization-mode MODE           AlwaysAllow (default) or Webhook (SubjectAccessReview)
          --metrics-address HOST:PORT         also serve /metrics over plain HTTP here
        Logs:
          --log-level LEVEL                   debug, info, warning, error (default info)
          --log-format FORMAT                 text or json (default text)
        Other:
          -h, --help                          print this help
          --version                           print the version

        """

    /// Reads the flags over `base` (the defaults, or what another command set already).
    static func parse(_ arguments: some Sequence<String>, into base: AgentOptions = AgentOptions()) -> AgentOptions {
        var options = base
        var flags = Flags(arguments)
        var taints: [Taint] = []
        while let flag = flags.next() {
            switch flag {
            case "-h", "--help":
                print(help, terminator: "")
                exit(0)
            case "--kubeconfig": options.kubeconfig = flags.value(flag)
            case "--kube-api-qps": options.qps = flags.double(flag)
            case "--kube-api-burst": options.burst = flags.int(flag, in: 1...1_000_000)
            case "--namespace": options.agent.namespace = flags.value(flag)
            case "--provider": options.agent.providerName = flags.value(flag)
            case "--provider-config": options.providerConfig = flags.value(flag)
            case "--nodename": options.agent.nodeName = nodeName(flags.value(flag))
            case "--nodes": options.agent.nodeCount = flags.int(flag, in: 1...1_000_000)
            case "--os":
                let os = flags.value(flag)
                guard ["linux", "windows"].contains(os.lowercased()) else { fail("--os must be Linux or Windows, got \(os)") }
                options.agent.operatingSystem = os.lowercased()
            case "--node-labels":
                let text = flags.value(flag)
                guard let labels = AgentConfiguration.parseLabels(text) else { fail("--node-labels must be key=value,…, got \(text)") }
                options.agent.nodeLabels.merge(labels) { _, new in new }
            case "--taint":
                let text = flags.value(flag)
                guard let taint = AgentConfiguration.parseTaint(text) else {
                    fail("--taint must be KEY=VALUE:EFFECT with EFFECT NoSchedule, PreferNoSchedule or NoExecute, got \(text)")
                }
                taints.append(taint)
            case "--disable-taint": options.agent.disableTaint = flags.bool(flag)
            case "--no-schedule": options.agent.noSchedule = flags.bool(flag)
            case "--node-ip":
                let ip = flags.value(flag)
                guard ip.split(separator: ".").count == 4, ip.split(separator: ".").allSatisfy({ UInt8($0) != nil }) else {
                    fail("--node-ip must be an IPv4 address, got \(ip)")
                }
                options.agent.nodeIP = ip
                options.nodeIPGiven = true
            case "--pod-cidr": options.agent.podCIDR = flags.value(flag)
            case "--node-lease-duration-seconds": options.agent.leaseDurationSeconds = flags.int(flag, in: 4...3600)
            case "--node-status-update-frequency": options.agent.statusUpdateFrequency = flags.duration(flag)
            case "--delete-nodes-on-exit": options.agent.deleteNodesOnExit = flags.bool(flag)
            case "--listen-address": options.listenAddress = flags.value(flag)
            case "--kubelet-port": options.agent.kubeletPort = flags.int(flag, in: 0...65535)
            case "--tls-cert-file": options.tlsCertFile = flags.value(flag)
            case "--tls-private-key-file": options.tlsKeyFile = flags.value(flag)
            case "--client-ca-file": options.clientCAFile = flags.value(flag)
            case "--authentication-token-webhook": options.tokenWebhook = flags.bool(flag)
            case "--anonymous-auth": options.anonymousAuth = flags.bool(flag)
            case "--authorization-mode":
                switch flags.value(flag) {
                case "AlwaysAllow": options.authorizationWebhook = false
                case "Webhook": options.authorizationWebhook = true
                case let mode: fail("--authorization-mode must be AlwaysAllow or Webhook, got \(mode)")
                }
            case "--log-level":
                let text = flags.value(flag)
                guard let level = Logger.Level(name: text) else { fail("--log-level must be debug, info, warning or error, got \(text)") }
                options.logLevel = level
            case "--log-format":
                let text = flags.value(flag)
                guard let format = Logger.Format(rawValue: text) else { fail("--log-format must be text or json, got \(text)") }
                options.logFormat = format
            case "--metrics-address": options.metricsAddress = flags.value(flag)
            default: fail("unknown flag: \(flag)")
            }
        }
        if !taints.isEmpty { options.agent.taints = (options.agent.taints ?? []) + taints }
        if (options.tlsCertFile == nil) != (options.tlsKeyFile == nil) {
            fail("--tls-cert-file and --tls-private-key-file go together")
        }
        do { _ = try Providers.factory(options.agent.providerName) } catch { fail(error.description) }
        return options
    }

    /// Node names are DNS subdomains; lower-case letters, digits, `-` and `.`.
    private static func nodeName(_ text: String) -> String {
        let allowed = text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "." }
        let valid = allowed && text.count <= 253 && (text.first?.isLetter == true || text.first?.isNumber == true)
        guard valid else { fail("--nodename must be a lower-case DNS name such as virtual-kubelet, got \(text)") }
        return text
    }

    /// Requests per second the agent may send: enough for every node's lease and status with room for pods.
    var effectiveQPS: Double { qps ?? 50 + Double(agent.nodeCount) / 4 }
    var effectiveBurst: Int { burst ?? max(1, Int(effectiveQPS * 2)) }
}
