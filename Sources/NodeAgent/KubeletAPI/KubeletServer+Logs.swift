import HTTP
import Loop

extension KubeletServer {
    /// `GET /containerLogs/{namespace}/{pod}/{container}`: the provider's log stream, copied as it comes.
    func containerLogs(_ request: HTTPRequest, _ writer: any HTTPResponseWriter) async {
        let parameters = request.pathParameters
        let (namespace, pod, container) = (parameters["namespace"] ?? "", parameters["pod"] ?? "", parameters["container"] ?? "")
        guard let logs = provider as? any PodLogsProvider else {
            try? await writer.respond(.text("\(providerName) provider does not support container logs\n", status: .notImplemented))
            return
        }
        let options: LogOptions
        do { options = try LogOptions(query: request.query, now: configuration.now()) } catch {
            try? await writer.respond(.text(error.message + "\n", status: .badRequest))
            return
        }
        guard source.node(ofPod: namespace, pod) != nil else {
            try? await writer.respond(.text("pod \(namespace)/\(pod) is not on any of this agent's nodes\n", status: .notFound))
            return
        }
        let stream: AsyncThrowingStream<[UInt8], any Error>
        do {
            stream = try await logs.logs(namespace: namespace, pod: pod, container: container, options: options)
        } catch {
            try? await writer.respond(Self.failure(error))
            return
        }
        var headers: HTTPHeaders = ["Content-Type": "text/plain"]
        // A follow stream usually ends with the client leaving; closing the connection after it also
        // ends the hang-up watch in `relay` at once instead of at the keep-alive timeout.
        if options.follow { headers.set("Connection", "close") }
        do { try writer.writeHead(.ok, headers: headers) } catch { return }
        await relay(stream, limit: options.limitBytes, watchHangUp: options.follow, to: writer)
        writer.end()
    }

    /// Copies `stream` to `writer` until it ends, `limit` bytes went out, or the client goes away;
    /// then the copy, and with it the provider's stream, is cancelled (a stream dropped early is
    /// terminated too). A provider error after the head was sent can only end the body early.
    /// Without `watchHangUp` a client that leaves is noticed at the next write: enough for a stream
    /// that ends by itself, and it keeps a watch from outliving the request on a kept-alive connection.
    private func relay(
        _ stream: AsyncThrowingStream<[UInt8], any Error>, limit: Int?, watchHangUp: Bool, to writer: any HTTPResponseWriter
    ) async {
        let copy = Task { @LoopActor () throws -> Void in
            var remaining = limit ?? .max
            for try await chunk in stream {
                let part = chunk.count > remaining ? Array(chunk.prefix(remaining)) : chunk
                try await writer.write(part)
                remaining -= part.count
                if remaining == 0 { return }
            }
        }
        let key = track(copy)
        // Nothing is written while the provider is silent, so only `closed()` tells of a hang-up then.
        if watchHangUp {
            Task { @LoopActor in
                await writer.closed()
                copy.cancel()
            }
        }
        _ = await withTaskCancellationHandler { await copy.result } onCancel: { copy.cancel() }
        untrack(key)
    }
}
