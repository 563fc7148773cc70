import CCurl

/// How requests to one scheme and authority go out: the URL curl is given (the TLS server name in
/// place of the host, when one is set), where the connection really goes, and whether a proxy is
/// used. Worked out once per authority and kept by the client: doing it for every request (parsing
/// the URL, judging the host) was 2 % of the heartbeat's CPU.
final class Route {
    /// `scheme://authority` of the URLs this route serves.
    let prefix: String
    /// The prefix to send instead, with the server name as host; nil to send URLs unchanged.
    private let sentPrefix: String?
    let connectTo: UnsafeMutablePointer<curl_slist>?
    /// CURLOPT_PROXY and CURLOPT_NOPROXY: nil leaves curl's default (the environment's proxy).
    let proxy: String?
    let noProxy: String?

    init?(url: String, serverName: String?, proxy setting: ProxySetting) {
        guard let target = URLAuthority(url) else { return nil }
        prefix = String(url[..<target.authorityEnd])
        if let serverName {
            sentPrefix = url[..<target.hostRange.lowerBound] + serverName + url[target.hostRange.upperBound..<target.authorityEnd]
            connectTo = curl_slist_append(nil, "\(serverName):\(target.port):\(target.host):\(target.port)")
        } else {
            sentPrefix = nil
            connectTo = nil
        }
        (proxy, noProxy) = Self.proxyOptions(setting, loopback: target.isLoopback)
    }

    /// curl reads the environment itself; an empty CURLOPT_PROXY turns that off, an empty
    /// CURLOPT_NOPROXY makes an explicit proxy apply to every host.
    static func proxyOptions(_ setting: ProxySetting, loopback: Bool) -> (proxy: String?, noProxy: String?) {
        switch setting {
        case .environment: (loopback ? "" : nil, nil)
        case .none: ("", nil)
        case .url(let url): (url, "")
        }
    }

    deinit { curl_slist_free_all(connectTo) }

    /// Whether `url` starts with this route's scheme and authority (and nothing more of the authority).
    func serves(_ url: String) -> Bool {
        guard url.utf8.starts(with: prefix.utf8) else { return false }
        guard let next = url.utf8.dropFirst(prefix.utf8.count).first else { return true }
        return next == UInt8(ascii: "/") || next == UInt8(ascii: "?") || next == UInt8(ascii: "#")
    }

    /// The URL to give curl for `url`, which this route serves.
    func sentURL(_ url: String) -> String {
        guard let sentPrefix else { return url }
        return sentPrefix + Substring(url.utf8.dropFirst(prefix.utf8.count))
    }
}
