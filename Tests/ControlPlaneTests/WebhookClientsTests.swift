@testable import ControlPlane
import HTTPClient
import Loop
import Testing

@Suite @LoopActor struct WebhookClientsTests {
    @Test func clientsAreKeptPerTrustAndTimeoutAndTheLeastRecentlyUsedGoesFirst() {
        let clients = WebhookClients(capacity: 2)
        defer { clients.shutdown() }
        let a = WebhookClients.Key(certificateAuthority: "A", timeoutSeconds: 10)
        let b = WebhookClients.Key(certificateAuthority: "B", timeoutSeconds: 10)
        let aShort = WebhookClients.Key(certificateAuthority: "A", timeoutSeconds: 1)
        let first = clients.client(for: a)
        #expect(clients.client(for: a) === first)
        let second = clients.client(for: b)
        #expect(second !== first)
        #expect(clients.client(for: a) === first)  // a is now the most recent: b goes next
        let third = clients.client(for: aShort)
        #expect(third !== first && third !== second)
        #expect(clients.count == 2)
        #expect(clients.client(for: a) === first)
        #expect(clients.client(for: b) !== second)
    }
}
