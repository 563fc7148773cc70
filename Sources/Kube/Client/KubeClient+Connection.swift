import Loop

extension Credentials: AuthorizationProvider {}

extension KubeClient {
    /// A client for a loaded kubeconfig or in-cluster configuration, with `--kube-api-qps/--kube-api-burst`.
    public convenience init(
        connection: ClusterConnection, qps: Double = 50, burst: Int = 100, clock: any LoopClock = UVClock.shared
    ) {
        var configuration = Configuration(server: connection.server, http: connection.httpClientConfiguration())
        configuration.qps = qps
        configuration.burst = burst
        // Static tokens ride on every request through the HTTP client; files, basic auth and exec plugins
        // are resolved per request so that rotation and expiry are honoured.
        let dynamic: Bool
        switch connection.credentials {
        case .tokenFile, .basic, .exec: dynamic = true
        case .none, .token, .clientCertificate: dynamic = false
        }
        self.init(
            configuration: configuration,
            authorization: dynamic ? Credentials(connection.credentials, clock: clock) : nil, clock: clock)
    }
}
