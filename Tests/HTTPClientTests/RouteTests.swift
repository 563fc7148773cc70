@testable import HTTPClient
import Testing

struct RouteTests {
    @Test func aRouteServesOneSchemeAndAuthorityAndNamesTheTLSServer() throws {
        let route = try #require(Route(url: "https://127.0.0.1:6443/api/v1/nodes?watch=1", serverName: "kubernetes", proxy: .environment))
        #expect(route.prefix == "https://127.0.0.1:6443")
        #expect(route.serves("https://127.0.0.1:6443/apis"))
        #expect(route.serves("https://127.0.0.1:6443?x=1"))
        #expect(route.serves("https://127.0.0.1:6443"))
        #expect(!route.serves("https://127.0.0.1:64430/apis"))
        #expect(!route.serves("http://127.0.0.1:6443/apis"))
        #expect(route.sentURL("https://127.0.0.1:6443/api/v1/pods?limit=5") == "https://kubernetes:6443/api/v1/pods?limit=5")
        #expect(route.proxy == "" && route.noProxy == nil)
    }

    @Test func withoutAServerNameURLsGoAsTheyAreAndProxiesFollowTheSetting() throws {
        let remote = try #require(Route(url: "https://example.com/api", serverName: nil, proxy: .environment))
        #expect(remote.sentURL("https://example.com/api?x") == "https://example.com/api?x")
        #expect(remote.connectTo == nil)
        #expect(remote.proxy == nil && remote.noProxy == nil)
        let proxied = try #require(Route(url: "http://[::1]:80/", serverName: nil, proxy: .url("http://proxy:3128")))
        #expect(proxied.prefix == "http://[::1]:80")
        #expect(proxied.proxy == "http://proxy:3128" && proxied.noProxy == "")
        #expect(Route(url: "not a url", serverName: nil, proxy: .none) == nil)
    }
}
