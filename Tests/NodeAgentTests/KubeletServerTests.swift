import Foundation
import HTTP
import HTTPClient
import HTTPServer
import Kube
import Loop
import NodeAgent
import Providers
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) @LoopActor struct KubeletServerTests {
    @Test func healthzPodsAndAgentMetrics() async throws {
        let fixture = try KubeletFixture(nodes: ["node-0", "node-1"])
        try await fixture.run("web", on: "node-0")
        try await fixture.run("db", namespace: "data", on: "node-1")
        fixture.metrics.counter("node_agent_test_total", help: "A test counter.").inc(by: 3)

        let health = try await fixture.get("/healthz")
        #expect(health.status == .ok && health.text == "ok")

        let pods = try await fixture.get("/pods")
        #expect(pods.status == .ok && pods.contentType == "application/json")
        let list = try JSONValue(parsing: pods.body)
        #expect(list["apiVersion"] == "v1" && list["kind"] == "PodList" && list["metadata"] == [:])
        let names = (list["items"]?.arrayValue ?? []).compactMap { $0["metadata"]?["name"]?.stringValue }
        #expect(names == ["web", "db"])

        let metrics = try await fixture.get("/metrics")
        #expect(metrics.status == .ok && metrics.contentType.hasPrefix("text/plain; version=0.0.4"))
        #expect(metrics.text == fixture.metrics.render())
        #expect(metrics.text.contains("node_agent_test_total 3\n"))
        await fixture.stop()
    }

    @Test func unknownPathsWrongMethodsAndExec() async throws {
        let fixture = try KubeletFixture()
        try await fixture.run("web")

        let unknown = try await fixture.get("/configz")
        #expect(unknown.status == .notFound && unknown.text == "404 page not found\n")
        let wrongMethod = try await fixture.get("/healthz", method: .post)
        #expect(wrongMethod.status == .methodNotAllowed && wrongMethod.headers["Allow"] == "GET")

        for (path, feature) in [
            ("/exec/team/web/app?command=ls&output=1", "exec"), ("/attach/team/web/app", "attach"),
            ("/portForward/team/web?port=80", "port-forward"), ("/run/team/web/app", "run"),
        ] {
            for method in [HTTPMethod.get, .post] {
                let answer = try await fixture.get(path, method: method)
                #expect(answer.status == .notImplemented, "\(method) \(path)")
                #expect(answer.text == "mock provider does not support \(feature)\n")
            }
        }
        await fixture.stop()
    }

    @Test func strangersGet401AndAnonymousOnlyWhenAllowed() async throws {
        let fixture = try KubeletFixture()
        let nobody = fixture.client(certificate: nil)
        for path in ["/healthz", "/pods", "/no/such/path", "/containerLogs/team/web/app"] {
            let answer = try await fixture.get(path, nobody)
            #expect(answer.status == .unauthorized && answer.text == "Unauthorized\n", "\(path)")
        }
        // Without the token webhook a bearer token proves nothing.
        let tokenOnly = try await fixture.get("/healthz", fixture.client(certificate: nil, token: "some-token"))
        #expect(tokenOnly.status == .unauthorized)
        // A certificate from a CA the kubelet does not trust fails the handshake.
        await #expect(throws: HTTPClientError.self) {
            _ = try await fixture.get("/healthz", fixture.client(certificate: fixture.pki.stranger))
        }
        await fixture.stop()

        let open = try KubeletFixture { $0.anonymousAuth = true }
        let anonymous = try await open.get("/healthz", open.client(certificate: nil))
        #expect(anonymous.status == .ok && anonymous.text == "ok")
        await open.stop()
    }

    @Test func alwaysAllowLetsEveryVerifiedCertificateIn() async throws {
        let fixture = try KubeletFixture()
        let viewer = try await fixture.get("/pods", fixture.client(certificate: fixture.pki.viewer))
        #expect(viewer.status == .ok)
        await fixture.stop()
    }

    @Test func aSelfSignedServingCertificateIsMadeWhenNoneIsGiven() async throws {
        let fixture = try KubeletFixture {
            $0.servingCertificate = nil
            $0.servingKey = nil
            $0.certificateIPAddresses = ["127.0.0.1"]
            $0.certificateDNSNames = ["node-0"]
        }
        let certificate = try #require(fixture.server.selfSignedCertificatePEM)
        let client = fixture.client(certificate: fixture.pki.apiServerClient, certificateAuthority: certificate)
        let health = try await fixture.get("/healthz", client)
        #expect(health.status == .ok && health.text == "ok")
        // Clients that trust only the cluster CA refuse it.
        await #expect(throws: HTTPClientError.self) { _ = try await fixture.get("/healthz") }
        await fixture.stop()
    }

    @Test func configurationsThatCannotWorkAreRefused() throws {
        let source = FakeKubeletSource(nodes: ["n"])
        for configuration in [
            KubeletAPIConfiguration(port: 70000),
            KubeletAPIConfiguration(servingCertificate: .pem("x")),
            KubeletAPIConfiguration(authenticationTokenWebhook: true),
            KubeletAPIConfiguration(authorizationMode: .webhook),
        ] {
            #expect(throws: KubeletServerError.self) {
                _ = try KubeletServer(
                    configuration: configuration, provider: MockProvider(), providerName: "mock",
                    source: source, metrics: MetricsRegistry(), reviewer: nil)
            }
        }
    }
}
