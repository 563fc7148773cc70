/// The host and port of an `http(s)://` URL, enough to redirect a connection (`CURLOPT_CONNECT_TO`).
struct URLAuthority {
    let hostRange: Range<String.Index>
    /// Where the path (or query, or fragment) starts.
    let authorityEnd: String.Index
    let host: String
    let port: Int

    init?(_ url: String) {
        guard let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else { return nil }
        let scheme = url[..<colon].lowercased()
        let rest = url[url.index(colon, offsetBy: 3)...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        // Credentials (`user@`) are not used with Kubernetes servers; the host starts after any.
        let hostStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let hostAndPort = authority[hostStart...]
        let hostEnd: String.Index
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else { return nil }
            hostEnd = hostAndPort.index(after: close)
        } else {
            hostEnd = hostAndPort.firstIndex(of: ":") ?? hostAndPort.endIndex
        }
        let portText = hostEnd < hostAndPort.endIndex ? hostAndPort[hostAndPort.index(after: hostEnd)...] : ""
        guard let port = portText.isEmpty ? (scheme == "https" ? 443 : 80) : Int(portText) else { return nil }
        hostRange = hostAndPort.startIndex..<hostEnd
        authorityEnd = authority.endIndex
        host = String(url[hostRange])
        self.port = port
    }

    /// `localhost` or a loopback address (127.0.0.0/8, ::1).
    var isLoopback: Bool {
        let name = host.lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") || name == "[::1]" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
