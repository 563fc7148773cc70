import HTTP
import Loop

/// How a response's body is delimited on the wire.
enum BodyFraming {
    case length(Int)
    case chunked
    /// No framing header: a bodyless status, or a body that ends when the connection closes.
    case none
}

/// What the `Connection` header says about the connection after this response.
enum Persistence: Equatable {
    case close
    /// `explicit`: say `Connection: keep-alive` (an HTTP/1.0 client needs it).
    case keepAlive(explicit: Bool)
    case upgrade
}

extension ByteBuffer {
    /// Serializes a response head. The handler's `Content-Length`, `Transfer-Encoding` and `Connection`
    /// headers are replaced by the server's own. Returns whether the connection must close after this
    /// response: `persistence` was `.close`, or the handler sent `Connection: close`.
    @LoopActor
    func appendResponseHead(
        _ status: HTTPStatus, _ headers: HTTPHeaders, framing: BodyFraming, persistence: Persistence
    ) -> Bool {
        append("HTTP/1.1 ")
        appendDecimal(status.code)
        append(byte: UInt8(ascii: " "))
        appendSanitized(status.reason)
        append("\r\n")
        var close = persistence == .close
        var hasDate = false
        for (name, value) in headers {
            switch name.utf8.count {
            case 14 where asciiEqualsLowercase(name, "content-length"): continue
            case 17 where asciiEqualsLowercase(name, "transfer-encoding"): continue
            case 10 where asciiEqualsLowercase(name, "connection"):
                if persistence != .upgrade, listContainsToken(value, "close") { close = true }
                continue
            case 4 where asciiEqualsLowercase(name, "date"): hasDate = true
            default: break
            }
            appendSanitized(name)
            append(": ")
            appendSanitized(value)
            append("\r\n")
        }
        switch framing {
        case .length(let length):
            append("Content-Length: ")
            appendDecimal(length)
            append("\r\n")
        case .chunked:
            append("Transfer-Encoding: chunked\r\n")
        case .none:
            break
        }
        switch persistence {
        case .upgrade: append("Connection: Upgrade\r\n")
        case _ where close: append("Connection: close\r\n")
        case .keepAlive(explicit: true): append("Connection: keep-alive\r\n")
        default: break
        }
        if !hasDate { append(HTTPDate.headerLine) }
        append("\r\n")
        return close
    }
}

extension HTTPStatus {
    /// 1xx, 204 and 304 responses never carry a body.
    var forbidsBody: Bool { code < 200 || code == 204 || code == 304 }
}

/// A non-negative decimal `Content-Length` value, or nil.
func parseContentLength(_ value: String) -> Int? {
    var result = 0
    var sawDigit = false
    for byte in value.utf8 {
        if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
            if sawDigit { break } else { continue }
        }
        guard byte >= 48 && byte <= 57 else { return nil }
        let (shifted, overflow1) = result.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = shifted.addingReportingOverflow(Int(byte - 48))
        if overflow1 || overflow2 { return nil }
        result = sum
        sawDigit = true
    }
    return sawDigit ? result : nil
}
