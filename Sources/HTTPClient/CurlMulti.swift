import CCurl
import CLibUV
import Glibc
import Loop

/// `curl_global_init` must run once per process, before any other curl call.
enum CurlGlobal {
    static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}

/// A curl multi handle driven by the loop: curl tells us which sockets to watch (`uv_poll`, one cached
/// per socket) and when to call it back (one `uv_timer`); we report readiness with
/// `curl_multi_socket_action` and collect finished transfers.
@LoopActor
final class CurlMulti {
    private let multi: UnsafeMutableRawPointer
    private var timer: UnsafeMutablePointer<uv_timer_t>?
    private var polls: [curl_socket_t: SocketPoll] = [:]
    /// The sockets curl opened for connections. Only these stay polled between requests: curl closes
    /// them through `closing(_:)`, while others (its resolver's socketpair) it closes without a word.
    private var connectionSockets: Set<curl_socket_t> = []
    private var transfers: [UnsafeMutableRawPointer: Transfer] = [:]
    private var isClosed = false
    /// Most recently made last; a client talks to one server, or a few. Each keeps the handles of its
    /// finished transfers, still set up for it, for the next requests: curl_easy_init allocates a lot.
    private var routes: [(route: Route, idle: [EasyHandle])] = []
    private static let maxRoutes = 8
    private static let maxIdleHandlesPerRoute = 128
    /// The header lists of recent requests, most recent last.
    private var headerLists: [HeaderList] = []
    private static let maxHeaderLists = 8
    /// Whose places transfers take before they are handed to curl.
    let admission: Admission

    init(maxIdleConnections: Int, maxConnectionsPerHost: Int, admission: Admission) {
        precondition(CurlGlobal.initialized, "curl_global_init failed")
        self.admission = admission
        multi = curl_multi_init()
        let me = Unmanaged.passUnretained(self).toOpaque()
        ccurl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, me)
        ccurl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, me)
        ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxIdleConnections)
        ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        ccurl_multi_setopt_socket_cb(multi) { _, socket, what, userp, _ in
            LoopActor.assumeIsolated { CurlMulti.from(userp).watch(socket, what: what) }
            return 0
        }
        ccurl_multi_setopt_timer_cb(multi) { _, timeoutMs, userp in
            LoopActor.assumeIsolated { CurlMulti.from(userp).arm(timeoutMs: timeoutMs) }
            return 0
        }
        let timer = LoopHandles.allocate(uv_timer_t.self)
        uv_timer_init(EventLoop.shared.uv, timer)
        LoopHandles.attach(TimerOwner(self), to: cuv_handle(timer))
        self.timer = timer
    }

    private static func from(_ pointer: UnsafeMutableRawPointer?) -> CurlMulti {
        Unmanaged<CurlMulti>.fromOpaque(pointer!).takeUnretainedValue()
    }

    /// A handle for `request`: an idle one of its route, or a new one. The route (scheme and
    /// authority) is worked out on its first request.
    func makeHandle(for request: HTTPClientRequest, configuration: HTTPClientConfiguration) throws(HTTPClientError) -> EasyHandle {
        if let index = routes.firstIndex(where: { $0.route.serves(request.url) }) {
            if let handle = routes[index].idle.popLast() { return handle }
            return try EasyHandle(route: routes[index].route, configuration: configuration, multi: self, for: request)
        }
        let route = Route(url: request.url, serverName: configuration.tls.serverName, proxy: configuration.proxy)
        if let route {
            // Its idle handles go with a dropped route; handles in use keep it until their transfers end.
            if routes.count == Self.maxRoutes { routes.removeFirst() }
            routes.append((route, []))
        }
        return try EasyHandle(route: route, configuration: configuration, multi: self, for: request)
    }

    /// The header lines for `request`: those of a recent request with the same headers, or new ones.
    func headerList(for request: HTTPClientRequest, configuration: HTTPClientConfiguration) -> HeaderList {
        if let kept = headerLists.last(where: { $0.serves(request) }) { return kept }
        let list = HeaderList(request, configuration)
        if headerLists.count == Self.maxHeaderLists { headerLists.removeFirst() }
        headerLists.append(list)
        return list
    }

    /// Takes back the handle of a transfer that succeeded (and was removed from the multi).
    func recycle(_ handle: EasyHandle) {
        guard !isClosed, let route = handle.route, let index = routes.firstIndex(where: { $0.route === route }),
              routes[index].idle.count < Self.maxIdleHandlesPerRoute
        else { return }
        routes[index].idle.append(handle)
    }

    var idleHandles: Int { routes.reduce(0) { $0 + $1.idle.count } }

    var watchedSockets: Int { polls.values.count { $0.isWatching } }

    /// Has curl open and close `easy`'s connection sockets through us, so that we know when a socket
    /// kept polled between requests goes away.
    func manageSockets(of easy: UnsafeMutableRawPointer) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        ccurl_easy_setopt_pointer(easy, CURLOPT_OPENSOCKETDATA, me)
        ccurl_easy_setopt_opensocket_cb(easy) { me, _, address in
            guard let address else { return -1 }
            let socket = Glibc.socket(address.pointee.family, address.pointee.socktype, address.pointee.protocol)
            if socket >= 0 { LoopActor.assumeIsolated { _ = CurlMulti.from(me).connectionSockets.insert(socket) } }
            return socket
        }
        ccurl_easy_setopt_pointer(easy, CURLOPT_CLOSESOCKETDATA, me)
        ccurl_easy_setopt_closesocket_cb(easy) { me, socket in
            LoopActor.assumeIsolated { CurlMulti.from(me).closing(socket) }
            return Glibc.close(socket)
        }
    }

    private func closing(_ socket: curl_socket_t) {
        connectionSockets.remove(socket)
        polls.removeValue(forKey: socket)?.close()
    }

    /// Hands an admitted transfer to curl.
    func add(_ transfer: Transfer) {
        guard !isClosed else { return transfer.refuse() }
        transfers[transfer.easy] = transfer
        let code = curl_multi_add_handle(multi, transfer.easy)
        if code != CURLM_OK {
            transfers[transfer.easy] = nil
            let reason = String(cString: curl_multi_strerror(code))
            transfer.finish(.failure(HTTPClientError(.invalidRequest, "\(transfer.request.method) \(transfer.request.url): \(reason)")))
        }
    }

    /// Aborts a transfer still running (cancellation, or its reader went away); false if it is not running.
    @discardableResult
    func remove(_ transfer: Transfer, error: HTTPClientError) -> Bool {
        guard transfers[transfer.easy] === transfer else { return false }
        transfers[transfer.easy] = nil
        curl_multi_remove_handle(multi, transfer.easy)
        transfer.finish(.failure(error))
        return true
    }

    /// Lets a paused transfer continue once its reader caught up.
    func resume(_ transfer: Transfer) {
        guard transfers[transfer.easy] === transfer else { return }
        curl_easy_pause(transfer.easy, ccurl_pause_cont())
        collectFinished()
    }

    func shutdown() {
        guard !isClosed else { return }
        isClosed = true
        for transfer in Array(transfers.values) {
            remove(transfer, error: HTTPClientError(.cancelled, "\(transfer.request.method) \(transfer.request.url): client is shut down"))
        }
        curl_multi_cleanup(multi)
        routes = []
        for poll in polls.values { poll.close() }
        polls = [:]
        if let timer { LoopHandles.close(cuv_handle(timer)) }
        timer = nil
    }

    // MARK: curl → loop

    private func watch(_ socket: curl_socket_t, what: Int32) {
        if what == ccurl_poll_remove() {
            if connectionSockets.contains(socket) {
                polls[socket]?.park()
            } else {
                polls.removeValue(forKey: socket)?.close()
            }
            return
        }
        var events: Int32 = 0
        if what & ccurl_poll_in() != 0 { events |= Int32(UV_READABLE.rawValue) }
        if what & ccurl_poll_out() != 0 { events |= Int32(UV_WRITABLE.rawValue) }
        let poll = polls[socket] ?? {
            let poll = SocketPoll(socket: socket, multi: self)
            polls[socket] = poll
            return poll
        }()
        poll.start(events: events)
    }

    private func arm(timeoutMs: Int) {
        guard let timer else { return }
        if timeoutMs < 0 {
            uv_timer_stop(timer)
        } else {
            // Even a 0 ms timeout goes through the timer: curl must not be re-entered from its own callback.
            uv_timer_start(timer, { timer in
                LoopActor.assumeIsolated {
                    LoopHandles.owner(of: cuv_handle(timer!), as: TimerOwner.self)?.multi?.timerFired()
                }
            }, UInt64(timeoutMs), 0)
        }
    }

    // MARK: loop → curl

    fileprivate func socketReady(_ socket: curl_socket_t, status: Int32, events: Int32) {
        var flags: Int32 = 0
        if status < 0 {
            // Let curl find the real error (a TLS alert, a reset) by trying both directions.
            flags = ccurl_cselect_in() | ccurl_cselect_out()
        } else {
            if events & Int32(UV_READABLE.rawValue) != 0 { flags |= ccurl_cselect_in() }
            if events & Int32(UV_WRITABLE.rawValue) != 0 { flags |= ccurl_cselect_out() }
        }
        var running: Int32 = 0
        curl_multi_socket_action(multi, socket, flags, &running)
        collectFinished()
    }

    private func timerFired() {
        var running: Int32 = 0
        curl_multi_socket_action(multi, ccurl_socket_timeout(), 0, &running)
        collectFinished()
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let result = message.pointee.data.result
            curl_multi_remove_handle(multi, easy)
            guard let transfer = transfers.removeValue(forKey: easy) else { continue }
            transfer.complete(code: result)
        }
    }
}

/// The uv timer's owner: weak, so an abandoned client can still be released.
private final class TimerOwner {
    weak var multi: CurlMulti?
    init(_ multi: CurlMulti) { self.multi = multi }
}

/// One `uv_poll` per socket curl asked us to watch.
@LoopActor
private final class SocketPoll {
    private var handle: UnsafeMutablePointer<uv_poll_t>?
    private let socket: curl_socket_t
    private weak var multi: CurlMulti?
    private var events: Int32 = 0
    /// curl no longer watches this kept-alive connection (between two requests).
    private var parked = false

    var isWatching: Bool { events != 0 }

    init(socket: curl_socket_t, multi: CurlMulti) {
        self.socket = socket
        self.multi = multi
        let handle = LoopHandles.allocate(uv_poll_t.self)
        uv_poll_init_socket(EventLoop.shared.uv, handle, socket)
        LoopHandles.attach(self, to: cuv_handle(handle))
        self.handle = handle
    }

    func start(events: Int32) {
        parked = false
        guard let handle, events != self.events else { return }
        self.events = events
        uv_poll_start(handle, events) { handle, status, events in
            LoopActor.assumeIsolated {
                guard let poll = LoopHandles.owner(of: cuv_handle(handle!), as: SocketPoll.self) else { return }
                poll.ready(status: status, events: events)
            }
        }
    }

    /// Between requests the socket stays watched for input, which costs nothing while the connection
    /// is idle: removing it and adding it again cost two epoll_ctl calls per request (4 % of the
    /// heartbeat's CPU). The next request on the connection asks for input again, which changes nothing.
    func park() {
        start(events: Int32(UV_READABLE.rawValue))
        parked = true
    }

    private func ready(status: Int32, events: Int32) {
        guard parked else {
            multi?.socketReady(socket, status: status, events: events)
            return
        }
        // The idle connection was closed or sent something unasked: curl finds out when it next
        // uses it. Stop watching, or the level-triggered event would fire on every loop turn.
        if let handle { uv_poll_stop(handle) }
        self.events = 0
    }

    func close() {
        guard let handle else { return }
        self.handle = nil
        LoopHandles.close(cuv_handle(handle))
    }
}
