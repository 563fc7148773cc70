/// The Kubernetes client layer: API objects, JSON patches, kubeconfig, REST, watches, informers and
/// leader election. It knows nothing of nodes' behaviour.
public enum Kube {
    /// The Kubernetes minor version whose API this client targets.
    public static let apiVersion = "v1.32"
}
