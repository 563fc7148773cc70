import HTTPClient
import HTTPServer
import Kube
import Loop

/// How the embedded API server listens and whom it trusts.
public struct APIServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 0
    /// The serving certificate, and the CA client certificates must chain to.
    public var tls: TLSConfiguration
    /// Bearer tokens and who they stand for.
    public var tokens: [String: Identity] = [:]
    /// How `pods/log` and `nodes/proxy` reach kubelets: the CA kubelet serving certificates must chain
    /// to and the client certificate to present (kube-apiserver's `--kubelet-certificate-authority`,
    /// `--kubelet-client-certificate`/`-key`: CN=kube-apiserver-kubelet-client, O=system:masters).
    /// Nil: those requests fail with a 500 saying so.
    public var kubeletClientTLS: ClientTLSConfiguration?
    /// How many recent events of each resource watches can resume from; older resourceVersions get 410 Expired.
    public var watchWindow = 100_000
    /// How long a watch without `timeoutSeconds` stays open (the apiserver picks 30–60 minutes).
    public var defaultWatchTimeout: Duration = .seconds(1800)
    /// How often the node lifecycle controller checks heartbeats, and how long a node may stay
    /// silent before it is marked Unknown and tainted unreachable (kube-controller-manager: 5 s, 40 s).
    public var nodeMonitorPeriod: Duration = .seconds(5)
    public var nodeMonitorGracePeriod: Duration = .seconds(40)
    public var clock: any LoopClock = UVClock.shared
    /// Wall time for timestamps.
    public var now: @Sendable () -> Time = { Time.now() }

    public init(tls: TLSConfiguration) { self.tls = tls }
}
