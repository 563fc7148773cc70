import HTTP
import HTTPServer
import Kube
import Loop
@testable import NodeAgent
import TestSupport
import Testing

/// The event queue: a few writers, in order, and a bounded backlog.
@Suite @LoopActor struct EventRecorderTests {
    /// Answers event POSTs only once `release` opens, counting how many wait at once.
    @LoopActor final class HeldEventServer {
        let release = Gate()
        private(set) var server: HTTPServer!
        private(set) var reasons: [String] = []
        private(set) var waiting = 0
        private(set) var mostWaiting = 0

        init() throws {
            var router = Router()
            router.post("/api/v1/namespaces/{namespace}/events", streaming: { [weak self] request, writer in
                await self?.hold(request, writer)
            })
            server = try HTTPServer(configuration: HTTPServerConfiguration(), router: router)
            try server.start()
        }

        private func hold(_ request: HTTPRequest, _ writer: any HTTPResponseWriter) async {
            let event = try? JSONValue(parsing: request.body).decode(as: Event.self)
            reasons.append(event?.reason ?? "?")
            waiting += 1
            mostWaiting = max(mostWaiting, waiting)
            await release.wait()
            waiting -= 1
            try? await writer.respond(.json(request.body, status: .created))
        }
    }

    @Test func eventsWaitForAFewWritersAndAFullQueueDropsNewOnes() async throws {
        let server = try HeldEventServer()
        let client = KubeClient(configuration: KubeClient.Configuration(server: "http://127.0.0.1:\(server.server.port)"))
        let recorder = EventRecorder(client: client, logger: .silent, writers: 2, capacity: 6)
        for index in 0..<10 { recorder.node("node-\(index)", reason: "R\(index)", message: "event \(index)") }
        #expect(recorder.depth == 6)
        #expect(recorder.dropped == 4)
        #expect(await eventually { server.waiting == 2 })
        // Two writers, so two requests in flight and the rest still queued.
        #expect(recorder.depth == 4)
        #expect(!recorder.isIdle)
        server.release.open()
        #expect(await eventually { recorder.written == 6 && recorder.isIdle })
        #expect(server.mostWaiting == 2)
        #expect(Set(server.reasons) == Set((0..<6).map { "R\($0)" }))
        client.shutdown()
        await server.server.stop()
    }
}
