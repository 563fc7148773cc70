import HTTP
import HTTPServer
@testable import HTTPClient
import Loop
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) @LoopActor struct KeptConnectionTests {
    /// Between requests a kept-alive connection stays polled for input. When the server closes it
    /// while idle, the poll stops (a level-triggered end of file would otherwise wake the loop on
    /// every turn) and the next request goes out on a new connection.
    /// Over TLS, the server's close_notify, read by the pool's own OpenSSL calls on curl's SSL, ends
    /// the connection the same way.
    @Test(arguments: [false, true]) func anIdleConnectionTheServerClosesIsUnwatchedAndReplaced(tls: Bool) async throws {
        let clock = ManualClock()
        var serverTLS: TLSConfiguration?
        var configuration = HTTPClientConfiguration()
        if tls {
            let certs = try TLSClientTests.certificates.get()
            serverTLS = TLSConfiguration(certificateChain: .file(certs.serverCert), privateKey: .file(certs.serverKey))
            configuration.tls.certificateAuthority = .file(certs.caCert)
        }
        let server = try ClientTestServer(router: HTTPClientTests.echoRouter(), tls: serverTLS, clock: clock)
        let client = HTTPClient(configuration: configuration)
        defer { client.shutdown() }
        let first = try await client.execute(HTTPClientRequest(url: server.url("/echo")))
        #expect(first.status == .ok)
        #expect(client.watchedSockets == 1 && client.directConnections == 1)
        clock.advance(by: .seconds(120))  // past the server's idle timeout and its next sweep
        #expect(await eventually { client.watchedSockets == 0 })

        let second = try await client.execute(HTTPClientRequest(url: server.url("/echo")))
        #expect(second.status == .ok)
        #expect(second.headers["X-Peer"] != first.headers["X-Peer"])
        #expect(client.watchedSockets == 1)
        client.shutdown()
        #expect(client.watchedSockets == 0)
        await server.stop()
    }
}
