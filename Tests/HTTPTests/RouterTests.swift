import HTTP
import Loop
import Testing

/// The matched handler's response body (each test route answers with its own name) and the parameters.
@LoopActor
private func names(_ match: Router.Match) -> (String?, [String: String]) {
    guard case .found(let handler, let parameters) = match, case .immediate(let run) = handler else { return (nil, [:]) }
    return (String(decoding: run(HTTPRequest(method: .get, target: "/")).body, as: UTF8.self), parameters)
}

@Suite @LoopActor struct RouterTests {
    let router: Router = {
        var router = Router()
        router.add(.get, "/pods", .immediate { _ in .text("pods") })
        router.add(.get, "/containerLogs/{namespace}/{pod}/{container}", .immediate { _ in .text("logs") })
        router.add(.post, "/exec/{namespace}/{pod}/{container}", .immediate { _ in .text("exec") })
        router.add(.get, "/pods/{name}", .immediate { _ in .text("pod") })
        router.add(.get, "/pods/running", .immediate { _ in .text("running") })
        router.add(.get, "/files/{path...}", .immediate { _ in .text("files") })
        return router
    }()

    @Test func matchesLiteralsAndBindsParameters() {
        let (name, parameters) = names(router.match(.get, path: "/containerLogs/kube-system/coredns-1/coredns"))
        #expect(name == "logs")
        #expect(parameters == ["namespace": "kube-system", "pod": "coredns-1", "container": "coredns"])
        #expect(names(router.match(.get, path: "/pods")).0 == "pods")
        #expect(names(router.match(.get, path: "/pods/")).0 == "pods")
    }

    @Test func literalSegmentsWinOverParameters() {
        #expect(names(router.match(.get, path: "/pods/running")).0 == "running")
        #expect(names(router.match(.get, path: "/pods/web-1")).0 == "pod")
    }

    @Test func restParameterTakesTheRemainingPath() {
        #expect(names(router.match(.get, path: "/files/a/b%2Fc/d")).1 == ["path": "a/b/c/d"])
        #expect(names(router.match(.get, path: "/files")).1 == ["path": ""])
    }

    @Test func parametersArePercentDecoded() {
        #expect(names(router.match(.get, path: "/pods/a%20b")).1 == ["name": "a b"])
    }

    @Test func wrongMethodIsReportedWithTheAllowedOnes() {
        guard case .methodNotAllowed(let allowed) = router.match(.delete, path: "/exec/ns/p/c") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == [.post])
    }

    @Test func headFallsBackToGetAndUnknownPathsAreNotFound() {
        #expect(names(router.match(.head, path: "/pods")).0 == "pods")
        guard case .notFound = router.match(.get, path: "/nope") else {
            Issue.record("expected 404")
            return
        }
        guard case .notFound = router.match(.get, path: "/containerLogs/ns/pod") else {
            Issue.record("a pattern must match every segment")
            return
        }
    }
}

@Suite struct QueryTests {
    @Test func parsesQueryLikeGo() {
        let request = HTTPRequest(method: .get, target: "/containerLogs/ns/p/c?follow=true&tailLines=10&q=a+b%26c&flag&x=1&x=2")
        #expect(request.path == "/containerLogs/ns/p/c")
        let query = request.query
        #expect(query["follow"] == "true")
        #expect(query["tailLines"] == "10")
        #expect(query["q"] == "a b&c")
        #expect(query["flag"] == "")
        #expect(query.all("x") == ["1", "2"])
        #expect(query["missing"] == nil)
    }

    @Test func encodesAndRoundTrips() {
        var query = QueryParameters()
        query.append("labelSelector", "app in (a,b),tier!=db")
        query.append("limit", "500")
        #expect(query.encoded == "labelSelector=app%20in%20%28a%2Cb%29%2Ctier%21%3Ddb&limit=500")
        #expect(QueryParameters(parsing: Substring(query.encoded)) == query)
    }

    @Test func pathSegmentsAreSplitOnBytesAndDecoded() {
        #expect(PercentEncoding.pathSegments("//api/v1//namespaces/a%2Fb/pods/caf%C3%A9/") == ["api", "v1", "namespaces", "a/b", "pods", "café"])
        #expect(PercentEncoding.pathSegments("/") == [])
        let request = HTTPRequest(method: .get, target: "/pods/é?watch=1")
        #expect(request.path == "/pods/é")
        #expect(request.query["watch"] == "1")
    }

    @Test func malformedEscapesAreKeptLiterally() {
        #expect(PercentEncoding.decode("100%") == "100%")
        #expect(PercentEncoding.decode("%zz%41") == "%zzA")
    }

    @Test func headersAreCaseInsensitiveAndTokenAware() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "Connection": "keep-alive, Upgrade"]
        #expect(headers["content-type"] == "text/plain")
        #expect(headers.hasToken("upgrade", in: "connection"))
        headers.set("CONTENT-TYPE", "application/json")
        #expect(headers.values("Content-Type") == ["application/json"])
        headers.remove("connection")
        #expect(!headers.contains("Connection"))
    }
}

@Suite struct HeaderNameTests {
    @Test func namesMatchIgnoringCase() {
        let headers: HTTPHeaders = ["Content-Type": "a", "X-Ünïcode": "b", "X-A@": "c"]
        #expect(headers["CONTENT-type"] == "a")
        #expect(headers["x-ÜNÏCODE"] == "b")
        #expect(headers["x-a`"] == nil)  // '@' and '`' differ only in bit 0x20 but are not letters
        #expect(headers["Content-Typ"] == nil)
    }
}
