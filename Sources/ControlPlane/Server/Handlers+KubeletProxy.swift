import HTTP
import HTTPClient
import Kube
import Loop

/// Where a node's kubelet listens: the address kube-apiserver would pick and the kubelet endpoint port.
struct KubeletLocation: Sendable, Equatable {
    var scheme = "https"
    var host: String
    var port: Int

    /// `host:port`, an IPv6 host in brackets.
    var authority: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    func url(path: String, query: String = "") -> String {
        "\(scheme)://\(authority)\(path)\(query.isEmpty ? "" : "?" + query)"
    }
}

extension APIServer {
    /// Serves the subresources answered by a node's kubelet (`pods/log`, `nodes/proxy`), which stream
    /// and so write to `writer` themselves. False: not one of them.
    func serveKubeletSubresource(_ context: RequestContext, _ writer: any HTTPResponseWriter) async throws -> Bool {
        switch (context.type.group, context.type.resource, context.info.subresource) {
        case ("", "pods", "log"):
            guard context.request.method == .get else { throw APIError.methodNotSupported(context.type, context.verb) }
            try await podLog(context, writer)
        case ("", "nodes", "proxy"):
            try await nodeProxy(context, writer)
        default:
            return false
        }
        return true
    }

    /// The kubelet of node `name`, found as kube-apiserver does with kubeadm's
    /// `--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname`; port 0 means 10250.
    func kubeletLocation(node name: String) throws(APIError) -> KubeletLocation {
        guard let nodes = registry.lookup(group: "", version: "v1", resource: "nodes") else {
            throw APIError.internalError("nodes are not served")
        }
        guard let node = store.get(nodes.storageKey, ObjectKey(namespace: "", name: name)) else {
            throw APIError.notFound(nodes, name)
        }
        let addresses = (node["status"]?["addresses"]?.arrayValue ?? []).compactMap { address -> (String, String)? in
            guard let type = address["type"]?.stringValue, let value = address["address"]?.stringValue, !value.isEmpty
            else { return nil }
            return (type, value)
        }
        let preferred = ["InternalIP", "ExternalIP", "Hostname"].lazy.compactMap { type in
            addresses.first { $0.0 == type }?.1
        }.first
        guard let host = preferred else {
            let known = addresses.map { "{\($0.0) \($0.1)}" }.joined(separator: " ")
            throw APIError.unknown("no preferred addresses found; known addresses: [\(known)]")
        }
        let declared = node["status"]?["daemonEndpoints"]?["kubeletEndpoint"]?["Port"]?.int64Value ?? 0
        return KubeletLocation(host: host, port: declared > 0 ? Int(declared) : 10250)
    }

    /// Copies a kubelet's streamed body to the client as it arrives, then ends the response. A client
    /// that hangs up is noticed at the next write, which ends the kubelet transfer; with `watchHangUp`
    /// (`logs -f`, which may wait for output forever) it is noticed at once. That watch lasts as long as
    /// the client's connection, so it is kept to the requests that need it.
    func relay(_ upstream: HTTPClientStream, to writer: any HTTPResponseWriter, watchHangUp: Bool = false) async {
        let hangUp = watchHangUp ? Task { @LoopActor in
            await writer.closed()
            await upstream.cancel()
        } : nil
        defer { hangUp?.cancel() }
        do {
            for try await chunk in upstream {
                try await writer.write(chunk)
            }
        } catch {
            // The kubelet broke off or the client left: either way the response ends here.
        }
        writer.end()
    }
}
