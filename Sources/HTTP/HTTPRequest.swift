/// What a TLS client proved about itself with a certificate the server verified.
public struct TLSPeer: Sendable, Equatable {
    public var commonName: String?
    public var organizations: [String]

    public init(commonName: String?, organizations: [String]) {
        self.commonName = commonName
        self.organizations = organizations
    }
}

/// A complete request as a handler sees it.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request target exactly as sent (`/containerLogs/ns/pod/c?follow=true`).
    public var target: String
    public var version: (major: Int, minor: Int)
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Filled by the router from `{name}` segments of the matched pattern.
    public var pathParameters: [String: String] = [:]
    /// The verified client certificate's subject, when the connection is TLS with a client certificate.
    public var tlsPeer: TLSPeer?
    /// "ip:port" of the client.
    public var remoteAddress: String

    public init(
        method: HTTPMethod, target: String, version: (major: Int, minor: Int) = (1, 1),
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], tlsPeer: TLSPeer? = nil,
        remoteAddress: String = ""
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.tlsPeer = tlsPeer
        self.remoteAddress = remoteAddress
    }

    /// The path part of the target, still percent-encoded.
    public var path: Substring {
        queryMark.map { target[..<$0] } ?? target[...]
    }

    public var query: QueryParameters {
        guard let mark = queryMark else { return QueryParameters() }
        return QueryParameters(parsing: target[target.index(after: mark)...])
    }

    /// Found in the bytes: a search by Characters costs more than the rest of routing.
    private var queryMark: String.Index? { target.utf8.firstIndex(of: UInt8(ascii: "?")) }

    /// Whether the client asked to switch protocols (exec, attach and port-forward streams do).
    public var isUpgrade: Bool {
        headers.contains("Upgrade") && headers.hasToken("upgrade", in: "Connection")
    }
}

/// A buffered response.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    public static func json(_ body: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }
}
