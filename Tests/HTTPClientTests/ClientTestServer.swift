import HTTP
import HTTPServer
import Loop
import TestSupport

/// Starts one of our HTTP servers on an ephemeral port for a client test, and stops it.
@LoopActor
final class ClientTestServer {
    let server: HTTPServer
    let scheme: String

    init(router: Router, tls: TLSConfiguration? = nil, clock: (any LoopClock)? = nil) throws {
        var configuration = HTTPServerConfiguration()
        configuration.tls = tls
        if let clock { configuration.clock = clock }
        server = try HTTPServer(configuration: configuration, router: router)
        try server.start()
        scheme = tls == nil ? "http" : "https"
    }

    func url(_ path: String, host: String = "127.0.0.1") -> String { "\(scheme)://\(host):\(server.port)\(path)" }

    func stop() async { await server.stop(gracePeriod: .seconds(1)) }
}
