import HTTP
import Loop

/// The HTTP/1.1 exchange on a connection: parsing, the in-order queue of pipelined requests,
/// dispatch to handlers, and error answers.
extension Connection {
    /// Plaintext from the client.
    func receive(_ bytes: UnsafeRawBufferPointer) {
        switch mode {
        case .http:
            parse(bytes)
        case .upgradePending:
            upgradeLeftover.append(contentsOf: bytes)
        case .upgraded(let upgraded):
            upgraded.deliver(Array(bytes))
        case .ignoring:
            break
        }
    }

    private func parse(_ bytes: UnsafeRawBufferPointer) {
        let outcome = parser.execute(bytes)
        if !parser.completed.isEmpty {
            if queueHead == queue.count {
                queue.removeAll(keepingCapacity: true)
                queueHead = 0
                swap(&queue, &parser.completed)
            } else {
                queue.append(contentsOf: parser.completed)
                parser.completed.removeAll(keepingCapacity: true)
            }
        }
        switch outcome {
        case .ok:
            break
        case .upgrade(let consumed):
            mode = .upgradePending
            upgradeLeftover = Array(bytes[consumed...])
        case .failed(let failure):
            mode = .ignoring
            pendingFailure = failure
        }
        processQueue()
    }

    /// Answers queued requests in order until one needs a streaming handler.
    func processQueue() {
        while active == nil, !isClosed, !isLingering, queueHead < queue.count {
            let parsed = queue[queueHead].take()!
            queueHead += 1
            dispatch(parsed)
        }
        if queueHead > 0, queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        }
        guard active == nil, queue.isEmpty, !isClosed, !isLingering else { return }
        if let failure = pendingFailure {
            pendingFailure = nil
            answer(failure)
        } else if closeAfterResponses {
            closeGracefully()
        } else if parser.wantsContinue, parser.phase == .body, case .http = mode {
            parser.wantsContinue = false
            outbound.append("HTTP/1.1 100 Continue\r\n\r\n")
        }
    }

    private func dispatch(_ parsed: ParsedRequest) {
        noteActivity()
        var request = parsed.request
        // After an upgrade request the bytes that follow are not HTTP: unless the handler upgrades,
        // the connection closes after the answer.
        let keepAlive = parsed.keepAlive && !parsed.upgrade && !closeAfterResponses
        let target = request.target
        let path = target.utf8.firstIndex(of: UInt8(ascii: "?")).map { target[..<$0] } ?? target[...]
        switch router.match(request.method, path: path) {
        case .notFound:
            respond(.text("404 page not found\n", status: .notFound), to: parsed, keepAlive: keepAlive)
        case .methodNotAllowed(let allowed):
            var response = HTTPResponse.text("405 method not allowed\n", status: .methodNotAllowed)
            response.headers.set("Allow", allowed.map { $0.rawValue }.joined(separator: ", "))
            respond(response, to: parsed, keepAlive: keepAlive)
        case .found(let handler, let parameters):
            request.pathParameters = parameters
            switch handler {
            case .immediate(let body):
                respond(body(request), to: parsed, keepAlive: keepAlive)
            case .streaming(let body):
                let writer = StreamingResponse(
                    connection: self, request: request, isHead: parsed.isHead, keepAlive: keepAlive,
                    upgradable: parsed.upgrade && request.isUpgrade)
                active = writer
                handlerTask = Task {
                    await body(request, writer)
                    writer.handlerReturned()
                }
            }
        }
    }

    /// Serializes a buffered response with `Content-Length`.
    private func respond(_ response: HTTPResponse, to parsed: ParsedRequest, keepAlive: Bool) {
        let bodyless = response.status.forbidsBody
        let close = outbound.appendResponseHead(
            response.status, response.headers, framing: bodyless ? .none : .length(response.body.count),
            persistence: keepAlive ? .keepAlive(explicit: parsed.request.version.minor == 0) : .close)
        if !bodyless, !parsed.isHead { outbound.append(response.body) }
        if close { closeGracefully() }
    }

    private func answer(_ failure: RequestParser.Failure) {
        let status: HTTPStatus
        let message: String
        switch failure {
        case .malformed(let reason):
            status = .badRequest
            message = "400 bad request: \(reason)\n"
        case .headersTooLarge:
            status = .headersTooLarge
            message = "431 request header fields too large\n"
        case .bodyTooLarge:
            status = .payloadTooLarge
            message = "413 request body too large\n"
        }
        let body = Array(message.utf8)
        _ = outbound.appendResponseHead(
            status, ["Content-Type": "text/plain; charset=utf-8"], framing: .length(body.count), persistence: .close)
        outbound.append(body)
        closeGracefully()
    }

    /// The streaming response `writer` is complete: close, or go on with pipelined requests. While a
    /// pipelined request is being handled the answers before it wait for the end of the loop turn.
    func responseFinished(_ writer: StreamingResponse, close: Bool) {
        guard active === writer else { return }
        active = nil
        handlerTask = nil
        if close {
            closeGracefully()
            return
        }
        processQueue()
        if active != nil { flushAtTurnEnd() } else { flush() }
        refreshDeadline()
        updateReading()
    }

    /// Answers 101 for `writer`'s request and switches the connection to raw bytes.
    func upgrade(_ writer: StreamingResponse, headers: HTTPHeaders) -> UpgradedStream {
        _ = outbound.appendResponseHead(.switchingProtocols, headers, framing: .none, persistence: .upgrade)
        let upgraded = UpgradedStream(connection: self)
        mode = .upgraded(upgraded)
        active = nil
        setDeadline(.none)
        if !upgradeLeftover.isEmpty {
            upgraded.deliver(upgradeLeftover)
            upgradeLeftover = []
        }
        flush()
        updateReading()
        return upgraded
    }

    /// Raw bytes for an upgraded connection, with back-pressure.
    func writeRaw(_ bytes: [UInt8]) async throws {
        guard !isClosed, !isLingering else { throw HTTPWriteError.connectionClosed }
        outbound.append(bytes)
        flush()
        try await waitForDrain()
    }

    /// The server is stopping: close now when idle, otherwise after the exchanges in progress.
    func beginShutdown() {
        guard !isClosed else { return }
        closeAfterResponses = true
        if isLingering {
            if hasFinishedShutdown { closeNow() }
            return
        }
        if mode.isUpgraded || mode.isUpgradePending { return }  // force-closed after the grace period
        if active == nil, queueHead == queue.count, pendingFailure == nil {
            if pendingWriteBytes > 0 { closeGracefully() } else { closeNow() }
        } else {
            mode = .ignoring  // no new requests
        }
    }
}
