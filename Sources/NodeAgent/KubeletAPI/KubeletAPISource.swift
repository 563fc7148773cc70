import Kube
import Loop

/// What the kubelet API reads from the agent: its nodes and the pods they run.
@LoopActor
public protocol KubeletAPISource: AnyObject {
    /// The agent's node names, in registration order.
    var nodeNames: [String] { get }
    /// The pods bound to `node` (every node of the agent when nil) as the API server last showed them,
    /// their status the one the agent wrote.
    func pods(on node: String?) -> [Pod]
    /// The node that runs the pod, or nil when none of the agent's nodes does.
    func node(ofPod namespace: String, _ name: String) -> String?
}
