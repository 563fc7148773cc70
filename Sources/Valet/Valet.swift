/// The valet: the pod-placement admission webhook, the NodeAssignmentGroup controller and the
/// Kubernetes-aware cloudpool proxy (filled by the valet issues).
public enum Valet {
    public static let component = "node-agent-valet"
}
