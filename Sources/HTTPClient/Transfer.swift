import CCurl
import HTTP
import Loop

/// One request in flight: its curl easy handle, the response as it arrives, and whoever waits for it —
/// a buffered caller (`onComplete`) or a streamed one (`onHead`, then `nextChunk`).
@LoopActor
final class Transfer: AdmittedCall {
    let handle: EasyHandle
    let request: HTTPClientRequest
    private let streamBufferLimit: Int
    /// Read by curl while the request is sent.
    private let headerList: HeaderList
    weak var multi: CurlMulti?

    private var status: HTTPStatus?
    private var headers = HTTPHeaders()
    private var body: [UInt8] = []

    var onComplete: CheckedContinuation<HTTPClientResponse, Error>?
    var onHead: CheckedContinuation<(HTTPStatus, HTTPHeaders), Error>?
    private var waiter: CheckedContinuation<[UInt8]?, Error>?
    private var chunks: [[UInt8]] = []
    private var buffered = 0
    private var paused = false
    private var outcome: Result<Void, HTTPClientError>?
    private let admission: Admission
    private var isAdmitted = false

    var easy: UnsafeMutableRawPointer { handle.easy }

    init(
        request: HTTPClientRequest, configuration: HTTPClientConfiguration, streaming: Bool, multi: CurlMulti
    ) throws(HTTPClientError) {
        handle = try multi.makeHandle(for: request, configuration: configuration)
        self.multi = multi
        admission = multi.admission
        self.request = request
        streamBufferLimit = configuration.streamBufferLimit
        headerList = multi.headerList(for: request, configuration: configuration)
        do throws(CurlOptionError) {
            let timeout = request.timeout ?? (streaming ? nil : configuration.timeout)
            try handle.prepare(request, timeout: timeout, headers: headerList.lines, me: Unmanaged.passUnretained(self).toOpaque())
        } catch {
            throw HTTPClientError(code: error.code, detail: "", request: request)
        }
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> Transfer {
        Unmanaged<Transfer>.fromOpaque(pointer!).takeUnretainedValue()
    }

    // MARK: curl callbacks

    /// Parses one header line as curl hands it over (CRLF included), on raw bytes: this runs for every
    /// header of every response.
    func headerLine(_ raw: UnsafeRawBufferPointer) {
        var end = raw.count
        while end > 0, raw[end - 1] == UInt8(ascii: "\r") || raw[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: raw[..<end])
        if line.isEmpty {
            if let status, status.code >= 200 { deliverHead() }
        } else if line.starts(with: "HTTP/".utf8) {
            // A new header block (after 100 Continue or a redirect): start over.
            headers = HTTPHeaders()
            headers.reserveCapacity(12)
            status = Self.parseStatusLine(line)
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            var valueStart = colon + 1
            while valueStart < line.count, line[valueStart] == UInt8(ascii: " ") || line[valueStart] == UInt8(ascii: "\t") {
                valueStart += 1
            }
            headers.add(
                String(decoding: UnsafeRawBufferPointer(rebasing: line[..<colon]), as: UTF8.self),
                String(decoding: UnsafeRawBufferPointer(rebasing: line[valueStart...]), as: UTF8.self))
        }
    }

    /// `HTTP/1.1 200 OK` → 200 "OK" (the reason may be absent).
    private static func parseStatusLine(_ line: UnsafeRawBufferPointer) -> HTTPStatus {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { return HTTPStatus(0) }
        var code = 0
        var index = space + 1
        while index < line.count, let digit = line[index].asciiDigit {
            code = code * 10 + digit
            index += 1
        }
        let reason = index + 1 < line.count ? String(decoding: UnsafeRawBufferPointer(rebasing: line[(index + 1)...]), as: UTF8.self) : nil
        return HTTPStatus(code, reason)
    }

    func received(_ data: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        let bytes = UnsafeRawBufferPointer(start: data, count: count)
        if onComplete != nil {
            body.append(contentsOf: bytes)
            return count
        }
        deliverHead()
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: Array(bytes))
            return count
        }
        if buffered + count > streamBufferLimit, buffered > 0 {
            // curl keeps these bytes and hands them over again once `resume` unpauses the transfer.
            paused = true
            return ccurl_writefunc_pause()
        }
        chunks.append(Array(bytes))
        buffered += count
        return count
    }

    private func deliverHead() {
        guard let onHead, let status else { return }
        self.onHead = nil
        onHead.resume(returning: (status, headers))
    }

    // MARK: completion

    func complete(code: CURLcode) {
        guard code == CURLE_OK else {
            let detail = String(cString: handle.errorBuffer)
            finish(.failure(HTTPClientError(code: code, detail: detail, request: request)))
            return
        }
        if status == nil {
            var code = 0
            ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
            status = HTTPStatus(code)
        }
        finish(.success(()))
    }

    var isFinished: Bool { outcome != nil }

    func start() { admission.enter(self) }

    /// Hands the transfer to the multi that made it; one shut down (and gone) since fails it.
    func admitted() {
        isAdmitted = true
        if let multi { multi.add(self) } else { refuse() }
    }

    func refuse() {
        finish(.failure(HTTPClientError(.cancelled, "\(request.method) \(request.url): client is shut down")))
    }

    /// Ends the transfer exactly once, waking whoever waits, and frees curl's resources.
    func finish(_ result: Result<Void, HTTPClientError>) {
        guard outcome == nil else { return }
        outcome = result
        switch result {
        case .success:
            onComplete?.resume(returning: HTTPClientResponse(status: status!, headers: headers, body: body))
            deliverHead()
            waiter?.resume(returning: nil)
        case .failure(let error):
            onComplete?.resume(throwing: error)
            onHead?.resume(throwing: error)
            waiter?.resume(throwing: error)
        }
        onComplete = nil
        onHead = nil
        waiter = nil
        body = []
        // A handle that ended in a failure or a cancellation is not used again: curl may hold state
        // of the aborted request in it. Dropped, it is cleaned up with the last transfer holding it.
        if case .success = result { multi?.recycle(handle) }
        if isAdmitted { admission.leave() }
    }

    func cancel() {
        // Once finished, `easy` may already serve another transfer (handles are recycled): hands off.
        guard outcome == nil else { return }
        let error = HTTPClientError(.cancelled, "\(request.method) \(request.url): cancelled")
        if let multi, multi.remove(self, error: error) { return }
        finish(.failure(error))
    }

    // MARK: streamed body

    /// The next bytes of a streamed body (everything buffered so far, joined), or nil at the end.
    func nextChunk() async throws -> [UInt8]? {
        if !chunks.isEmpty {
            var bytes = chunks[0]
            if chunks.count > 1 {
                bytes.reserveCapacity(buffered)
                for chunk in chunks.dropFirst() { bytes.append(contentsOf: chunk) }
            }
            chunks.removeAll(keepingCapacity: true)
            buffered = 0
            if paused {
                paused = false
                multi?.resume(self)
            }
            return bytes
        }
        switch outcome {
        case .success: return nil
        case .failure(let error): throw error
        case nil: break
        }
        return try await withTaskCancellationHandler { @LoopActor in
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: HTTPClientError(.cancelled, "\(request.method) \(request.url): cancelled"))
                } else {
                    waiter = continuation
                }
            }
        } onCancel: {
            Task { @LoopActor in self.cancel() }
        }
    }
}

extension UInt8 {
    fileprivate var asciiDigit: Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) ? Int(self - UInt8(ascii: "0")) : nil
    }
}
