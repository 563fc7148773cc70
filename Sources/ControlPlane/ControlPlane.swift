/// The embedded control plane: an in-process kube-apiserver subset plus scheduler, wired only by the
/// executable and tests (filled by the control-plane issue).
public enum ControlPlane {
    public static let component = "node-agent-apiserver"
}
