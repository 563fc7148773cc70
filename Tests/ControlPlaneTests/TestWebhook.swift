import Foundation
import HTTP
import HTTPClient
import HTTPServer
import Kube
import Loop
import TestSupport

/// A mutating admission webhook served by the test over HTTPS on 127.0.0.1 (its own CA), answering
/// by path as the capture's webhook did (fixtures 08-admission-*): `/ok`, `/v1beta1` and other
/// names add the annotation `fx-webhook/mutated: <name>`, `/deny` refuses, `/badpatch` answers a
/// patch that is not JSON, `/badop` one replacing a missing path, `/slow` waits for `release`.
@LoopActor
final class TestWebhook {
    struct Call {
        var target: String
        var headers: HTTPHeaders
        var review: JSONValue
    }

    let authority: CertificateAuthority
    private var server: HTTPServer?
    private(set) var calls: [String: [Call]] = [:]
    /// Opened by the test once it no longer needs `/slow` to hang.
    let release = Gate()

    init() throws {
        authority = try CertificateAuthority.generate(commonName: "webhook-test-ca")
        let serving = try authority.issue(
            CertificateSubject(commonName: "127.0.0.1"), usage: .serverAuth, ipAddresses: ["127.0.0.1"])
        var router = Router()
        router.add(.post, "/{scenario}", .streaming { [unowned self] request, writer in await self.handle(request, writer) })
        let tls = TLSConfiguration(certificateChain: .pem(serving.certificatePEM), privateKey: .pem(serving.privateKeyPEM))
        let server = try HTTPServer(configuration: HTTPServerConfiguration(tls: tls), router: router)
        try server.start()
        self.server = server
    }

    func stop() async {
        release.open()
        await server?.stop(gracePeriod: .seconds(1))
        server = nil
    }

    /// Connections open to the webhook: kept ones stay open between calls.
    var connections: Int { server?.connectionCount ?? 0 }

    var caBundle: String { Data(authority.certificatePEM.utf8).base64EncodedString() }

    func url(_ scenario: String) -> String { "https://127.0.0.1:\(server?.port ?? 0)/\(scenario)" }

    func calls(_ scenario: String) -> [Call] { calls[scenario] ?? [] }

    private func handle(_ request: HTTPRequest, _ writer: any HTTPResponseWriter) async {
        let scenario = request.pathParameters["scenario"] ?? ""
        let review = (try? JSONValue(parsing: request.body)) ?? .null
        calls[scenario, default: []].append(Call(target: request.target, headers: request.headers, review: review))
        var response: JSONValue = ["uid": review["request"]?["uid"] ?? .null, "allowed": true]
        let patch: String?
        switch scenario {
        case "deny":
            response["allowed"] = false
            response["status"] = ["code": 403, "reason": "Forbidden", "message": "fx webhook says no"]
            patch = nil
        case "badpatch":
            patch = "this is not a json patch"
        case "badop":
            patch = #"[{"op": "replace", "path": "/spec/doesNotExist/x", "value": 1}]"#
        case "slow":
            await release.wait()
            patch = Self.annotate(review, "slow")
        default:
            patch = Self.annotate(review, scenario)
        }
        if let patch {
            response["patchType"] = "JSONPatch"
            response["patch"] = .string(Data(patch.utf8).base64EncodedString())
        }
        let reply: JSONValue = [
            "apiVersion": review["apiVersion"] ?? "admission.k8s.io/v1", "kind": "AdmissionReview", "response": response,
        ]
        try? await writer.respond(.json(reply.serialized()))
    }

    /// A patch adding `fx-webhook/mutated: <value>` (or `fx-webhook/updated` on UPDATE), keeping other annotations.
    private static func annotate(_ review: JSONValue, _ value: String) -> String {
        let key = review["request"]?["operation"]?.stringValue == "UPDATE" ? "updated" : "mutated"
        if review["request"]?["object"]?["metadata"]?["annotations"]?.objectValue != nil {
            return #"[{"op": "add", "path": "/metadata/annotations/fx-webhook~1\#(key)", "value": "\#(value)"}]"#
        }
        return #"[{"op": "add", "path": "/metadata/annotations", "value": {"fx-webhook/\#(key)": "\#(value)"}}]"#
    }

    /// One entry of `webhooks`, as the capture's configuration (08-admission-01). The API's default
    /// timeout (10 s) bounds a call that should succeed: on a loaded machine a debug build's first call
    /// (a connect and handshake with a server on the same busy loop) has taken over a second. Hooks meant
    /// to time out pass 1.
    func hook(
        _ name: String, scenario: String, objectLabel: String, failurePolicy: String = "Fail", timeoutSeconds: Int = 10,
        versions: [String] = ["v1", "v1beta1"], operations: [String] = ["CREATE"], resources: [String] = ["pods"],
        scope: String = "*", namespaceSelector: JSONValue = ["matchLabels": ["fx-webhook": "enabled"]],
        clientConfig: JSONValue? = nil
    ) -> JSONValue {
        [
            "name": .string(name), "admissionReviewVersions": .array(versions.map { .string($0) }), "sideEffects": "None",
            "failurePolicy": .string(failurePolicy), "timeoutSeconds": .integer(Int64(timeoutSeconds)),
            "clientConfig": clientConfig ?? ["url": .string(url(scenario)), "caBundle": .string(caBundle)],
            "rules": [[
                "apiGroups": [""], "apiVersions": ["v1"], "operations": .array(operations.map { .string($0) }),
                "resources": .array(resources.map { .string($0) }), "scope": .string(scope),
            ]],
            "namespaceSelector": namespaceSelector,
            "objectSelector": ["matchLabels": ["fx-wh": .string(objectLabel)]],
        ]
    }

    static func configuration(_ hooks: [JSONValue]) -> JSONValue {
        [
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
            "metadata": ["name": "fx-webhooks"], "webhooks": .array(hooks),
        ]
    }
}

/// The capture's fixtures (`../shared/fixtures` from the package root).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/fixtures/kube-apiserver-1.19")

    static func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: directory.appendingPathComponent(name))) }

    static func json(_ name: String) throws -> JSONValue { try JSONValue(parsing: bytes(name)) }

    static func text(_ name: String) throws -> String { String(decoding: try bytes(name), as: UTF8.self) }
}

extension Harness {
    /// POSTs `body` as the admin (bearer token) and returns the status and the JSON answer.
    func post(_ path: String, _ body: [UInt8]) async throws -> (status: Int, body: JSONValue) {
        let api = AdminAPI(self)
        defer { api.client.shutdown() }
        let answer = try await api.send(.post, path, bytes: body)
        return (answer.status, answer.body)
    }

    /// Applies `object` with kubectl from a JSON file.
    func apply(_ name: String, _ object: JSONValue, _ extra: [String] = []) async throws -> ProcessResult {
        let path = try file(name + ".json", String(decoding: object.prettySerialized(), as: UTF8.self))
        return try await kubectl(["apply", "-f", path] + extra)
    }
}
