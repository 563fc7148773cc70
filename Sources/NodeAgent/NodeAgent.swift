/// The node agent: nodes, leases, pod reconcilers, the kubelet API and the Provider protocol
/// (filled by the node-agent issue). It knows no provider by name.
public enum NodeAgent {
    /// The version `node-agent version` prints and nodes report as their kubelet version.
    public static let version = "0.1.0"
    public static let component = "node-agent"
    /// `nodeInfo.kubeletVersion`: the kubelet API version the agent speaks, marked as ours (as
    /// virtual-kubelet providers mark theirs), so `kubectl get nodes` shows what runs the node.
    public static let kubeletVersion = "v1.32.0-node-agent-\(version)"
}
