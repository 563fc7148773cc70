import HTTP
import Loop

/// The `HTTPResponseWriter` given to a `.streaming` handler.
@LoopActor
final class StreamingResponse: HTTPResponseWriter {
    private enum State { case initial, streaming, ended, upgraded }

    private enum Body {
        /// HEAD, 204, 304: the head only.
        case discard
        case length(remaining: Int)
        case chunked
        /// HTTP/1.0 without a length: the body ends when the connection closes.
        case closeDelimited
    }

    private let connection: Connection
    private let isHead: Bool
    private let isHTTP10: Bool
    private let keepAlive: Bool
    private let upgradable: Bool
    private var state = State.initial
    private var body = Body.discard
    private var closeAfter = false

    init(connection: Connection, request: HTTPRequest, isHead: Bool, keepAlive: Bool, upgradable: Bool) {
        self.connection = connection
        self.isHead = isHead
        isHTTP10 = request.version.major == 1 && request.version.minor == 0
        self.keepAlive = keepAlive
        self.upgradable = upgradable
    }

    var isClosed: Bool { connection.isClosed }

    func closed() async { await connection.waitUntilClosed() }

    func writeHead(_ status: HTTPStatus, headers: HTTPHeaders) throws {
        switch state {
        case .initial: break
        case .upgraded: throw HTTPWriteError.invalidState("writeHead after upgrade")
        case .streaming, .ended: throw HTTPWriteError.invalidState("writeHead called twice")
        }
        guard !connection.isClosed else { throw HTTPWriteError.connectionClosed }
        state = .streaming
        sendHead(status, headers)
    }

    private func sendHead(_ status: HTTPStatus, _ headers: HTTPHeaders) {
        let framing: BodyFraming
        if status.forbidsBody {
            body = .discard
            framing = .none
        } else if let declared = headers["Content-Length"].flatMap(parseContentLength) {
            body = isHead ? .discard : .length(remaining: declared)
            framing = .length(declared)
        } else if !isHTTP10 {
            body = isHead ? .discard : .chunked
            framing = .chunked
        } else {
            body = isHead ? .discard : .closeDelimited
            framing = .none
            closeAfter = !isHead
        }
        let close = closeAfter || !keepAlive || connection.closeAfterResponses
        closeAfter = connection.outbound.appendResponseHead(
            status, headers, framing: framing, persistence: close ? .close : .keepAlive(explicit: isHTTP10))
        // A head whose body has a length waits for that body: a small response then goes out in one
        // TLS record and one segment, as Go's server sends it, instead of two for the client to read.
        if case .length(let remaining) = body, remaining > 0 { return }
        connection.flush()
    }

    func write(_ bytes: [UInt8]) async throws {
        switch state {
        case .streaming: break
        case .initial: throw HTTPWriteError.invalidState("write before writeHead")
        case .ended: throw HTTPWriteError.invalidState("write after end")
        case .upgraded: throw HTTPWriteError.invalidState("write after upgrade: use the upgraded connection")
        }
        guard !connection.isClosed else { throw HTTPWriteError.connectionClosed }
        guard !bytes.isEmpty else { return }
        let outbound = connection.outbound
        switch body {
        case .discard:
            return
        case .length(let remaining):
            guard bytes.count <= remaining else {
                body = .length(remaining: 0)
                closeAfter = true
                if remaining > 0 {
                    bytes.withUnsafeBytes { outbound.append(UnsafeRawBufferPointer(rebasing: $0[..<remaining])) }
                    connection.flush()
                }
                throw HTTPWriteError.invalidState("body longer than its Content-Length")
            }
            body = .length(remaining: remaining - bytes.count)
            outbound.append(bytes)
            if remaining == bytes.count, outbound.count <= connection.highWaterMark {
                // Complete and small: `end` follows, and a pipelined answer may join it (`responseFinished`).
                connection.flushAtTurnEnd()
                return
            }
        case .chunked:
            outbound.appendHex(bytes.count)
            outbound.append("\r\n")
            outbound.append(bytes)
            outbound.append("\r\n")
        case .closeDelimited:
            outbound.append(bytes)
        }
        connection.flush()
        try await connection.waitForDrain()
    }

    func end() {
        switch state {
        case .ended, .upgraded:
            return
        case .initial:
            // The handler never answered.
            state = .ended
            if !connection.isClosed {
                body = .discard
                let message = Array("500 internal server error: the handler sent no response\n".utf8)
                closeAfter = connection.outbound.appendResponseHead(
                    .internalServerError, ["Content-Type": "text/plain; charset=utf-8"],
                    framing: .length(message.count),
                    persistence: !keepAlive || connection.closeAfterResponses
                        ? .close : .keepAlive(explicit: isHTTP10))
                if !isHead { connection.outbound.append(message) }
            }
        case .streaming:
            state = .ended
            switch body {
            case .chunked: connection.outbound.append("0\r\n\r\n")
            case .length(let remaining) where remaining > 0: closeAfter = true  // the body fell short
            case .closeDelimited: closeAfter = true
            default: break
            }
        }
        connection.responseFinished(self, close: closeAfter)
    }

    func upgrade(headers: HTTPHeaders) throws -> any UpgradedConnection {
        guard upgradable else {
            throw HTTPWriteError.invalidState("upgrade needs a request with Upgrade and Connection: upgrade")
        }
        guard state == .initial else { throw HTTPWriteError.invalidState("upgrade after writeHead") }
        guard !connection.isClosed else { throw HTTPWriteError.connectionClosed }
        state = .upgraded
        return connection.upgrade(self, headers: headers)
    }

    /// Ends the response if the handler returned without doing so.
    func handlerReturned() { end() }
}
