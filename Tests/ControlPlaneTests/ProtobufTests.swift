@testable import ControlPlane
import Foundation
import HTTP
import HTTPServer
import Kube
import Loop
import TestSupport
import Testing

/// Decoding Kubernetes protobuf request bodies into the JSON a JSON client would have sent.
@Suite struct ProtobufTests {}

// MARK: - Ground truth from kubectl

extension ProtobufTests {
    /// Each case runs one kubectl command twice against a recording API server: with
    /// `--dry-run=client -o json` (Go's JSON for the object kubectl built) and for real (its
    /// protobuf body). The decoded body must be that JSON, key order included.
    @Suite(.timeLimit(.minutes(3))) @LoopActor struct Kubectl {
        @Test func configMapFromLiteralsAndABinaryFile() async throws {
            let server = try RecordingAPIServer()
            let binary = server.directory + "/blob"
            try Data([0xFF, 0x00, 0x01, 0x80]).write(to: URL(fileURLWithPath: binary))
            let decoded = try await server.expectSameJSON([
                "create", "configmap", "settings", "--from-literal=a=1", "--from-literal=greeting=hello world",
                "--from-file=blob=\(binary)",
            ])
            #expect(decoded["binaryData"]?["blob"] == "/wABgA==")
            #expect(decoded.objectValue?.keys.prefix(2) == ["kind", "apiVersion"])
            await server.stop()
        }

        @Test func secrets() async throws {
            let server = try RecordingAPIServer()
            let generic = try await server.expectSameJSON([
                "create", "secret", "generic", "creds", "--from-literal=user=admin", "--from-literal=password=s3cr=t",
            ])
            #expect(generic["data"]?["user"] == "YWRtaW4=")
            try await server.expectSameJSON([
                "create", "secret", "docker-registry", "pull", "--docker-server=registry.example.com",
                "--docker-username=robot", "--docker-password=hunter2",
            ])
            await server.stop()
        }

        @Test func deployments() async throws {
            let server = try RecordingAPIServer()
            let web = try await server.expectSameJSON([
                "create", "deployment", "web", "--image=nginx:1.27", "--image=busybox:1.36", "--replicas=3", "--port=8080",
            ])
            #expect(web["spec"]?["replicas"] == 3)
            // A pointer field set to zero stays in the JSON.
            let idle = try await server.expectSameJSON(["create", "deployment", "idle", "--image=nginx", "--replicas=0"])
            #expect(idle["spec"]?["replicas"] == 0)
            await server.stop()
        }

        @Test func jobsAndCronJobs() async throws {
            let server = try RecordingAPIServer()
            try await server.expectSameJSON(["create", "job", "hello", "--image=busybox", "--", "echo", "hi"])
            try await server.expectSameJSON([
                "create", "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *", "--restart=OnFailure", "--", "date",
            ])
            await server.stop()
        }

        /// `create job --from=cronjob/…` copies a template kubectl read from the server, so any pod
        /// spec can be sent through it: this one touches nearly every field the schemas know.
        @Test func jobFromACronJobWithAFullPodTemplate() async throws {
            let server = try RecordingAPIServer()
            server.cronJob = try JSONValue(parsing: richCronJob)
            let job = try await server.expectSameJSON(["create", "job", "manual-run", "--from=cronjob/nightly"])
            let pod = job["spec"]?["template"]?["spec"]
            #expect(pod?["containers"]?[0]?["livenessProbe"]?["httpGet"]?["port"] == 8080)
            #expect(pod?["containers"]?[0]?["readinessProbe"]?["tcpSocket"]?["port"] == "http")
            #expect(pod?["containers"]?[0]?["resources"]?["requests"]?["cpu"] == "500m")
            #expect(pod?["volumes"]?[2]?["configMap"]?["name"] == "settings")
            #expect(pod?["ephemeralContainers"]?[0]?["targetContainerName"] == "main")
            #expect(job["metadata"]?["ownerReferences"]?[0]?["controller"] == true)
            await server.stop()
        }

        @Test func podDisruptionBudgets() async throws {
            let server = try RecordingAPIServer()
            let count = try await server.expectSameJSON(["create", "pdb", "web", "--selector=app=web", "--min-available=2"])
            #expect(count["spec"]?["minAvailable"] == 2)
            let percent = try await server.expectSameJSON(["create", "pdb", "db", "--selector=app=db", "--max-unavailable=50%"])
            #expect(percent["spec"]?["maxUnavailable"] == "50%")
            // An int-or-string is a struct: Go writes it even when it is zero.
            let zero = try await server.expectSameJSON(["create", "pdb", "none", "--selector=app=x", "--min-available=0"])
            #expect(zero["spec"]?["minAvailable"] == 0)
            await server.stop()
        }

        @Test func namespacesServicesAndServiceAccounts() async throws {
            let server = try RecordingAPIServer()
            try await server.expectSameJSON(["create", "namespace", "team-a"])
            try await server.expectSameJSON(["create", "serviceaccount", "robot"])
            try await server.expectSameJSON(["create", "service", "clusterip", "web", "--tcp=80:8080", "--tcp=443:https"])
            try await server.expectSameJSON(["create", "service", "clusterip", "headless", "--clusterip=None"])
            try await server.expectSameJSON(["create", "service", "nodeport", "np", "--tcp=80:8080", "--node-port=30080"])
            try await server.expectSameJSON(["create", "service", "loadbalancer", "lb", "--tcp=443"])
            try await server.expectSameJSON(["create", "service", "externalname", "ext", "--external-name=example.com"])
            await server.stop()
        }

        /// `kubectl debug node/…` creates a whole Pod through the typed client (no dry run to
        /// compare with, so the fields it is known to set are checked one by one).
        @Test func debugPodForANode() async throws {
            let server = try RecordingAPIServer()
            server.node = ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "n1", "uid": "11111111-2222"]]
            let result = try await server.kubectl(["debug", "node/n1", "--image=busybox:1.36"])
            #expect(result.status == 0, "\(result)")
            let sent = try #require(server.requests.last { $0.method == "POST" })
            #expect(KubeProtobuf.isProtobuf(contentType: sent.contentType))
            let pod = try KubeProtobuf.decode(sent.body)
            #expect(pod["kind"] == "Pod")
            #expect(pod["spec"]?["nodeName"] == "n1")
            #expect(pod["spec"]?["hostPID"] == true)
            #expect(pod["spec"]?["restartPolicy"] == "Never")
            #expect(pod["spec"]?["containers"]?[0]?["image"] == "busybox:1.36")
            #expect(pod["spec"]?["volumes"]?[0]?["hostPath"]?["path"] == "/")
            #expect(pod["status"] == [:])
            #expect(pod["metadata"]?["creationTimestamp"] == .null)
            await server.stop()
        }

        /// An object without a schema is a 400 whose message kubectl shows.
        @Test func unsupportedKindIsABadRequest() async throws {
            let server = try RecordingAPIServer()
            let result = try await server.kubectl(["create", "quota", "q", "--hard=pods=2"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("decoding ResourceQuota in v1 is not supported"), "\(result)")
            await server.stop()
        }
    }
}

// MARK: - Wire format and values

extension ProtobufTests {
    @Suite struct Wire {
        @Test func evictionWithDeleteOptions() throws {
            let body = ProtoWriter.object(apiVersion: "policy/v1", kind: "Eviction") { eviction in
                eviction.message(1) { meta in
                    meta.string(1, "web-1")
                    meta.string(2, "")
                    meta.string(3, "default")
                    meta.int(7, 0)
                    meta.message(8) { _ in }
                }
                eviction.message(2) { options in
                    options.int(1, 0)
                    options.message(2) { $0.string(1, "abc") }
                    options.string(4, "Background")
                    options.string(5, "All")
                }
            }
            let expected: JSONValue = [
                "kind": "Eviction", "apiVersion": "policy/v1",
                "metadata": ["name": "web-1", "namespace": "default", "creationTimestamp": nil],
                "deleteOptions": [
                    "gracePeriodSeconds": 0, "preconditions": ["uid": "abc"], "propagationPolicy": "Background",
                    "dryRun": ["All"],
                ],
            ]
            let decoded = try KubeProtobuf.decode(body)
            #expect(decoded == expected)
            #expect(decoded.text == expected.text)
            // policy/v1beta1 is the same message; DeleteOptions on its own decodes in any group version.
            let beta = try KubeProtobuf.decode(ProtoWriter.object(apiVersion: "policy/v1beta1", kind: "Eviction") { _ in })
            #expect(beta == ["kind": "Eviction", "apiVersion": "policy/v1beta1"])
            let options = try KubeProtobuf.decode(ProtoWriter.object(apiVersion: "apps/v1", kind: "DeleteOptions") {
                $0.bool(3, false)
            })
            #expect(options == ["kind": "DeleteOptions", "apiVersion": "apps/v1", "orphanDependents": false])
        }

        @Test func scaleKeepsStatusReplicasButNotSpecReplicasAtZero() throws {
            let body = ProtoWriter.object(apiVersion: "autoscaling/v1", kind: "Scale") { scale in
                scale.message(1) { $0.string(1, "web") }
                scale.message(2) { $0.int(1, 0) }
                scale.message(3) { status in
                    status.int(1, 0)
                    status.string(2, "app=web")
                }
            }
            #expect(try KubeProtobuf.decode(body) == [
                "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": ["name": "web"], "spec": [:],
                "status": ["replicas": 0, "selector": "app=web"],
            ])
        }

        @Test func statefulSetWithClaimTemplatesAndIntOrString() throws {
            let body = ProtoWriter.object(apiVersion: "apps/v1", kind: "StatefulSet") { set in
                set.message(1) { $0.string(1, "db") }
                set.message(2) { spec in
                    spec.int(1, 3)
                    spec.message(4) { claim in
                        claim.message(1) { $0.string(1, "data") }
                        claim.message(2) { claimSpec in
                            claimSpec.string(1, "ReadWriteOnce")
                            claimSpec.message(2) { $0.entry(2, "storage", quantity: "10Gi") }
                            claimSpec.string(5, "")
                        }
                        claim.message(3) { _ in }
                    }
                    spec.string(5, "db")
                    spec.message(7) { strategy in
                        strategy.string(1, "RollingUpdate")
                        strategy.message(2) { rolling in
                            rolling.int(1, 0)
                            rolling.message(2) { $0.int(1, 1); $0.int(2, 0); $0.string(3, "50%") }
                        }
                    }
                    spec.message(11) { $0.int(1, 0) }
                }
            }
            #expect(try KubeProtobuf.decode(body) == [
                "kind": "StatefulSet", "apiVersion": "apps/v1", "metadata": ["name": "db"],
                "spec": [
                    "replicas": 3,
                    "volumeClaimTemplates": [[
                        "metadata": ["name": "data"],
                        "spec": ["accessModes": ["ReadWriteOnce"], "resources": ["requests": ["storage": "10Gi"]], "storageClassName": ""],
                        "status": [:],
                    ]],
                    "serviceName": "db",
                    "updateStrategy": ["type": "RollingUpdate", "rollingUpdate": ["partition": 0, "maxUnavailable": "50%"]],
                    "ordinals": ["start": 0],
                ],
            ])
        }

        @Test func unknownFieldsAreSkippedAtEveryLevel() throws {
            func configMap(withUnknownFields: Bool) -> [UInt8] {
                ProtoWriter.object(apiVersion: "v1", kind: "ConfigMap") { map in
                    if withUnknownFields { map.unknownFields() }
                    map.message(1) { meta in
                        meta.string(1, "settings")
                        if withUnknownFields { meta.unknownFields() }
                        meta.entry(11, "app", "web")
                    }
                    map.entry(2, "a", "1")
                    if withUnknownFields { map.unknownFields() }
                }
            }
            let plain = try KubeProtobuf.decode(configMap(withUnknownFields: false))
            #expect(plain == [
                "kind": "ConfigMap", "apiVersion": "v1", "metadata": ["name": "settings", "labels": ["app": "web"]],
                "data": ["a": "1"],
            ])
            #expect(try KubeProtobuf.decode(configMap(withUnknownFields: true)) == plain)
        }

        @Test func mapsAreSortedLastValueWinsAndMissingValuesAreZero() throws {
            let body = ProtoWriter.object(apiVersion: "v1", kind: "Secret") { secret in
                secret.entry(2, "zeta", bytes: [1])
                secret.entry(2, "alpha", bytes: [2])
                secret.entry(2, "zeta", bytes: [3])
                secret.message(2) { $0.string(1, "empty") }
                secret.message(4) { $0.string(2, "no key") }
            }
            let decoded = try KubeProtobuf.decode(body)
            #expect(decoded["data"] == ["alpha": "Ag==", "empty": "", "zeta": "Aw=="])
            #expect(decoded["data"]?.objectValue?.keys == ["alpha", "empty", "zeta"])
            #expect(decoded["stringData"] == ["": "no key"])
        }

        @Test func largeMapsAreComplete() throws {
            let body = ProtoWriter.object(apiVersion: "v1", kind: "ConfigMap") { map in
                for index in (0..<5_000).reversed() { map.entry(2, "key-\(index)", "\(index)") }
            }
            let data = try #require(try KubeProtobuf.decode(body)["data"]?.objectValue)
            #expect(data.count == 5_000)
            #expect(data.keys.prefix(3) == ["key-0", "key-1", "key-10"])
            #expect(data["key-4999"] == "4999")
        }

        @Test func packedAndUnpackedRepeatedNumbersAgree() throws {
            func pod(packed: Bool) -> [UInt8] {
                ProtoWriter.object(apiVersion: "v1", kind: "Pod") { pod in
                    pod.message(2) { spec in
                        spec.message(14) { context in
                            if packed {
                                context.packed(4, [1, 2, 300, -1])
                            } else {
                                for group: Int64 in [1, 2, 300, -1] { context.int(4, group) }
                            }
                        }
                    }
                }
            }
            let unpacked = try KubeProtobuf.decode(pod(packed: false))
            #expect(unpacked["spec"]?["securityContext"]?["supplementalGroups"] == [1, 2, 300, -1])
            #expect(try KubeProtobuf.decode(pod(packed: true)) == unpacked)
        }

        @Test func malformedBodiesAreErrors() {
            let prefix: [UInt8] = [0x6B, 0x38, 0x73, 0x00]
            let cases: [([UInt8], String)] = [
                ([], "missing prefix"),
                (Array("{\"kind\":\"Pod\"}".utf8), "JSON"),
                (prefix + [0x0A], "truncated length"),
                (prefix + [0x0A, 0x05, 0x0A], "length past the end"),
                (prefix + [0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "huge length"),
                (prefix + [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], "11-byte varint"),
                (prefix + [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02], "varint overflow"),
                (prefix + [0x0B], "group"),
                (prefix + [0x07], "wire type 7"),
                (prefix + [0x00, 0x00], "field number 0"),
                (prefix + [0x0A, 0x00], "no kind"),
            ]
            for (body, name) in cases {
                #expect(throws: KubeProtobufError.self, "\(name)") { try KubeProtobuf.decode(body) }
            }
            let wrongType = ProtoWriter.object(apiVersion: "v1", kind: "ConfigMap") { $0.message(1) { $0.int(1, 5) } }
            #expect(throws: KubeProtobufError.malformed("ObjectMeta.name: varint value where a length-delimited one belongs")) {
                try KubeProtobuf.decode(wrongType)
            }
            let gzip = ProtoWriter.object(apiVersion: "v1", kind: "ConfigMap", contentEncoding: "gzip") { _ in }
            #expect(throws: KubeProtobufError.unsupportedEncoding("content encoding gzip")) { try KubeProtobuf.decode(gzip) }
            let unknown = ProtoWriter.object(apiVersion: "v1", kind: "Frobnicator") { _ in }
            #expect(throws: KubeProtobufError.unsupportedKind(apiVersion: "v1", kind: "Frobnicator")) {
                try KubeProtobuf.decode(unknown)
            }
        }

        /// Every truncation and thousands of corrupted copies of a real-looking body: each one
        /// decodes or throws, none crashes.
        @Test func truncatedAndCorruptedBodiesNeverCrash() {
            let body = ProtoWriter.sampleDeployment()
            #expect((try? KubeProtobuf.decode(body)) != nil)
            var failures = 0
            for length in 0..<body.count {
                do { _ = try KubeProtobuf.decode(Array(body[0..<length])) } catch { failures += 1 }
            }
            #expect(failures > body.count / 2)
            var random = SplitMix64(seed: 42)
            for _ in 0..<5_000 {
                var corrupt = body
                for _ in 0...(random.next() % 4) {
                    let index = 4 + Int(random.next() % UInt64(corrupt.count - 4))
                    corrupt[index] = UInt8(truncatingIfNeeded: random.next())
                }
                if random.next() % 3 == 0 { corrupt.removeLast(Int(random.next() % UInt64(corrupt.count - 4))) }
                _ = try? KubeProtobuf.decode(corrupt)
            }
            for _ in 0..<1_000 {
                let garbage = [0x6B, 0x38, 0x73, 0x00] + (0..<(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                _ = try? KubeProtobuf.decode(garbage)
            }
        }

        @Test func contentTypes() {
            #expect(KubeProtobuf.isProtobuf(contentType: "application/vnd.kubernetes.protobuf"))
            #expect(KubeProtobuf.isProtobuf(contentType: "application/vnd.kubernetes.protobuf; charset=utf-8"))
            #expect(KubeProtobuf.isProtobuf(contentType: " Application/VND.Kubernetes.Protobuf ;stream=watch"))
            #expect(!KubeProtobuf.isProtobuf(contentType: "application/json"))
            #expect(!KubeProtobuf.isProtobuf(contentType: "application/vnd.kubernetes.protobuf+json"))
            #expect(!KubeProtobuf.isProtobuf(contentType: ""))
        }

        @Test func errorsAreOneLine() {
            let errors: [KubeProtobufError] = [
                .missingPrefix, .malformed("x"), .invalidValue("y"), .unsupportedKind(apiVersion: "", kind: ""),
                .unsupportedEncoding("z"), .unsupported("w"),
            ]
            for error in errors {
                #expect(!error.description.contains("\n"))
                #expect(error.description.hasPrefix("protobuf: "))
            }
        }

        @Test func schemasAreComplete() {
            var names = 0
            for group in ProtobufSchemas.groups { names += group.count }
            #expect(names == ProtobufSchemas.messages.count, "a message name is defined twice")
            func referenced(_ type: ProtobufFieldType) -> String? {
                switch type {
                case .message(let name), .inline(let name): name
                case .repeated(let element), .map(let element): referenced(element)
                default: nil
                }
            }
            for (name, message) in ProtobufSchemas.messages {
                for field in message.fields {
                    if let target = referenced(field.type) {
                        #expect(ProtobufSchemas.messages[target] != nil, "\(name).\(field.name) -> \(target)")
                    }
                }
                #expect(Set(message.fields.map(\.number)).count == message.fields.count, "\(name) repeats a number")
            }
            for (kind, message) in ProtobufSchemas.kinds {
                #expect(ProtobufSchemas.messages[message] != nil, "\(kind)")
            }
        }
    }

    @Suite struct Values {
        @Test func times() throws {
            func time(_ seconds: Int64?, _ nanos: Int64? = nil, digits: Int) throws -> JSONValue {
                var writer = ProtoWriter()
                if let seconds { writer.int(1, seconds) }
                if let nanos { writer.int(2, nanos) }
                return try ProtobufValues.time(ProtobufReader(writer.bytes), fractionDigits: digits, "t")
            }
            #expect(try time(1_795_323_653, 999_999_999, digits: 0) == "2026-11-22T05:00:53Z")
            #expect(try time(1_795_323_653, 123_456_789, digits: 6) == "2026-11-22T05:00:53.123456Z")
            #expect(try time(0, digits: 6) == "1970-01-01T00:00:00.000000Z")
            #expect(try time(-1, digits: 0) == "1969-12-31T23:59:59Z")
            #expect(try time(951_782_400, digits: 0) == "2000-02-29T00:00:00Z")
            #expect(try time(-62_135_596_800, digits: 0) == "0001-01-01T00:00:00Z")
            #expect(try time(253_402_300_799, digits: 0) == "9999-12-31T23:59:59Z")
            #expect(try time(0, -1, digits: 6) == "1969-12-31T23:59:59.999999Z")
            #expect(try time(nil, digits: 0) == .null)
            #expect(throws: KubeProtobufError.self) { try time(253_402_300_800, digits: 0) }
            #expect(throws: KubeProtobufError.self) { try time(Int64.max, 2_000_000_000, digits: 6) }
        }

        @Test func durations() {
            let cases: [(Int64, String)] = [
                (0, "0s"), (1, "1ns"), (1_500, "1.5µs"), (1_500_000, "1.5ms"), (1_000_000_000, "1s"),
                (90_000_000_000, "1m30s"), (3_600_000_000_000, "1h0m0s"), (3_661_500_000_000, "1h1m1.5s"),
                (-2_000_000_000, "-2s"), (Int64.min, "-2562047h47m16.854775808s"),
            ]
            for (nanoseconds, text) in cases { #expect(ProtobufValues.goDuration(nanoseconds) == text) }
        }

        @Test func intOrStringQuantityAndBase64() throws {
            func intOrString(_ build: (inout ProtoWriter) -> Void) throws -> JSONValue {
                var writer = ProtoWriter()
                build(&writer)
                return try ProtobufValues.intOrString(ProtobufReader(writer.bytes), "x")
            }
            #expect(try intOrString { $0.int(1, 0); $0.int(2, -3); $0.string(3, "") } == -3)
            #expect(try intOrString { $0.int(1, 1); $0.int(2, 0); $0.string(3, "25%") } == "25%")
            #expect(try intOrString { _ in } == 0)
            #expect(throws: KubeProtobufError.self) { try intOrString { $0.int(1, 2) } }
            #expect(try ProtobufValues.quantity(ProtobufReader([]), "q") == "0")
            #expect(throws: KubeProtobufError.self) { try ProtobufValues.quantity(ProtobufReader([0x0A, 0x00]), "q") }
            let cases: [([UInt8], String)] = [([], ""), ([0x66], "Zg=="), ([0x66, 0x6F], "Zm8="), ([0x66, 0x6F, 0x6F], "Zm9v")]
            for (bytes, text) in cases { #expect(ProtobufValues.base64(bytes[...]) == text) }
        }
    }
}

// MARK: - A recording API server for kubectl

@LoopActor
final class RecordingAPIServer {
    struct Request: Sendable {
        var method: String
        var path: String
        var contentType: String
        var body: [UInt8]
    }

    private(set) var requests: [Request] = []
    /// Served for GET …/cronjobs/{name}.
    var cronJob: JSONValue = .null
    /// Served for GET /api/v1/nodes/{name}.
    var node: JSONValue = .null
    nonisolated let directory: String
    nonisolated let kubeconfig: String
    private var server: HTTPServer?

    init() throws {
        directory = try TemporaryDirectory.make(prefix: "protobuf")
        kubeconfig = directory + "/kubeconfig"
        var router = Router()
        router.add(.get, "/{path...}", .immediate { [weak self] request in self?.get(request) ?? .text("gone", status: .notFound) })
        router.add(.post, "/{path...}", .immediate { [weak self] request in self?.post(request) ?? .text("gone", status: .notFound) })
        let server = try HTTPServer(configuration: HTTPServerConfiguration(), router: router)
        try server.start()
        self.server = server
        let config = """
            apiVersion: v1
            kind: Config
            clusters: [{name: test, cluster: {server: "http://127.0.0.1:\(server.port)"}}]
            users: [{name: test, user: {token: test}}]
            contexts: [{name: test, context: {cluster: test, user: test, namespace: default}}]
            current-context: test
            """
        try config.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
    }

    func stop() async { await server?.stop() }

    nonisolated func kubectl(_ arguments: [String]) async throws -> ProcessResult {
        try await run("/usr/bin/kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", directory + "/cache"] + arguments)
    }

    /// Runs `arguments` with `--dry-run=client -o json`, then for real; expects a protobuf body that
    /// decodes to the printed JSON, with the same keys in the same order. Returns the decoded body.
    @discardableResult
    func expectSameJSON(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        var dryRunArguments = arguments
        dryRunArguments.insert(contentsOf: ["--dry-run=client", "-o", "json"], at: arguments.firstIndex(of: "--") ?? arguments.count)
        let dryRun = try await kubectl(dryRunArguments)
        #expect(dryRun.status == 0, "\(dryRun)", sourceLocation: sourceLocation)
        let expected = try JSONValue(parsing: dryRun.stdout)
        let before = requests.count
        let live = try await kubectl(arguments)
        #expect(live.status == 0, "\(live)", sourceLocation: sourceLocation)
        let sent = try #require(requests[before...].last { $0.method == "POST" }, sourceLocation: sourceLocation)
        #expect(KubeProtobuf.isProtobuf(contentType: sent.contentType), "\(sent.contentType)", sourceLocation: sourceLocation)
        let decoded = try KubeProtobuf.decode(sent.body)
        #expect(decoded == expected, sourceLocation: sourceLocation)
        #expect(decoded.text == expected.text, sourceLocation: sourceLocation)
        return decoded
    }

    private func get(_ request: HTTPRequest) -> HTTPResponse {
        record(request)
        let path = request.path.split(separator: "/").map(String.init)
        if path == ["version"] {
            return Self.json(["major": "1", "minor": "32", "gitVersion": "v1.32.0", "platform": "linux/amd64"])
        }
        if path == ["api"] { return Self.json(["kind": "APIVersions", "versions": ["v1"]]) }
        if path == ["apis"] {
            let groups = Self.resources.keys.filter { $0 != "v1" }.sorted().map { groupVersion -> JSONValue in
                let version: JSONValue = ["groupVersion": .string(groupVersion), "version": "v1"]
                return ["name": .string(String(groupVersion.split(separator: "/")[0])), "versions": [version], "preferredVersion": version]
            }
            return Self.json(["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)])
        }
        if path == ["api", "v1"] || (path.count == 3 && path[0] == "apis" && path[2] == "v1") {
            let groupVersion = path.count == 2 ? "v1" : path[1] + "/v1"
            let resources = (Self.resources[groupVersion] ?? []).map { resource -> JSONValue in
                [
                    "name": .string(resource.name), "singularName": "", "namespaced": .bool(resource.namespaced),
                    "kind": .string(resource.kind), "verbs": ["create", "delete", "get", "list", "patch", "update"],
                ]
            }
            return Self.json([
                "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion), "resources": .array(resources),
            ])
        }
        if path.count == 7, path[0] == "apis", path[1] == "batch", path[5] == "cronjobs", cronJob != .null {
            return Self.json(cronJob)
        }
        if path.count == 4, path[0] == "api", path[2] == "nodes", node != .null { return Self.json(node) }
        return Self.status(404, "NotFound", "\(request.path) not found")
    }

    /// Records the body and answers 201 with its JSON, or 400 with the decoding error.
    private func post(_ request: HTTPRequest) -> HTTPResponse {
        record(request)
        guard KubeProtobuf.isProtobuf(contentType: request.headers["Content-Type"] ?? "") else {
            return HTTPResponse(status: .created, headers: ["Content-Type": "application/json"], body: request.body)
        }
        do {
            return Self.json(try KubeProtobuf.decode(request.body), status: .created)
        } catch {
            return Self.status(400, "BadRequest", error.description)
        }
    }

    private func record(_ request: HTTPRequest) {
        requests.append(Request(
            method: request.method.rawValue, path: String(request.path), contentType: request.headers["Content-Type"] ?? "",
            body: request.body))
    }

    private static let resources: [String: [(name: String, kind: String, namespaced: Bool)]] = [
        "v1": [
            ("configmaps", "ConfigMap", true), ("namespaces", "Namespace", false), ("nodes", "Node", false),
            ("pods", "Pod", true), ("resourcequotas", "ResourceQuota", true), ("secrets", "Secret", true),
            ("serviceaccounts", "ServiceAccount", true), ("services", "Service", true),
        ],
        "apps/v1": [("deployments", "Deployment", true)],
        "batch/v1": [("cronjobs", "CronJob", true), ("jobs", "Job", true)],
        "policy/v1": [("poddisruptionbudgets", "PodDisruptionBudget", true)],
    ]

    private static func json(_ value: JSONValue, status: HTTPStatus = .ok) -> HTTPResponse {
        .json(value.serialized(), status: status)
    }

    private static func status(_ code: Int, _ reason: String, _ message: String) -> HTTPResponse {
        json(
            [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": .string(message),
                "reason": .string(reason), "code": .integer(Int64(code)),
            ], status: HTTPStatus(code))
    }
}

// MARK: - Test helpers

/// Writes protobuf wire format, to build bodies kubectl has no command for.
struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func tag(_ field: Int, _ wireType: UInt8) { varint(UInt64(field) << 3 | UInt64(wireType)) }
    mutating func int(_ field: Int, _ value: Int64) { tag(field, 0); varint(UInt64(bitPattern: value)) }
    mutating func bool(_ field: Int, _ value: Bool) { int(field, value ? 1 : 0) }
    mutating func data(_ field: Int, _ value: [UInt8]) { tag(field, 2); varint(UInt64(value.count)); bytes += value }
    mutating func string(_ field: Int, _ value: String) { data(field, Array(value.utf8)) }

    mutating func message(_ field: Int, _ build: (inout ProtoWriter) -> Void) {
        var inner = ProtoWriter()
        build(&inner)
        data(field, inner.bytes)
    }

    mutating func entry(_ field: Int, _ key: String, _ value: String) { message(field) { $0.string(1, key); $0.string(2, value) } }
    mutating func entry(_ field: Int, _ key: String, bytes value: [UInt8]) { message(field) { $0.string(1, key); $0.data(2, value) } }
    mutating func entry(_ field: Int, _ key: String, quantity: String) {
        message(field) { entry in
            entry.string(1, key)
            entry.message(2) { $0.string(1, quantity) }
        }
    }

    mutating func packed(_ field: Int, _ values: [Int64]) {
        var inner = ProtoWriter()
        for value in values { inner.varint(UInt64(bitPattern: value)) }
        data(field, inner.bytes)
    }

    /// Fields no schema has, of every wire type.
    mutating func unknownFields() {
        int(900, 7)
        tag(901, 5)
        bytes += [1, 2, 3, 4]
        tag(902, 1)
        bytes += [1, 2, 3, 4, 5, 6, 7, 8]
        string(903, "ignored")
        message(904) { $0.int(1, 1) }
    }

    /// The "k8s\0" prefix and a runtime.Unknown envelope around the message `build` writes.
    static func object(
        apiVersion: String, kind: String, contentEncoding: String = "", _ build: (inout ProtoWriter) -> Void
    ) -> [UInt8] {
        var raw = ProtoWriter()
        build(&raw)
        var envelope = ProtoWriter()
        envelope.message(1) { typeMeta in
            typeMeta.string(1, apiVersion)
            typeMeta.string(2, kind)
        }
        envelope.data(2, raw.bytes)
        envelope.string(3, contentEncoding)
        envelope.string(4, "")
        return [0x6B, 0x38, 0x73, 0x00] + envelope.bytes
    }

    /// A Deployment shaped like kubectl's, with a probe, resources and a rolling update.
    static func sampleDeployment() -> [UInt8] {
        object(apiVersion: "apps/v1", kind: "Deployment") { deployment in
            deployment.message(1) { meta in
                meta.string(1, "web")
                meta.string(3, "default")
                meta.message(8) { _ in }
                meta.entry(11, "app", "web")
            }
            deployment.message(2) { spec in
                spec.int(1, 2)
                spec.message(2) { $0.entry(1, "app", "web") }
                spec.message(3) { template in
                    template.message(1) { $0.entry(11, "app", "web") }
                    template.message(2) { pod in
                        pod.message(2) { container in
                            container.string(1, "nginx")
                            container.string(2, "nginx:1.27")
                            container.message(6) { $0.int(3, 80); $0.string(4, "TCP") }
                            container.message(8) { $0.entry(2, "cpu", quantity: "250m") }
                            container.message(10) { probe in
                                probe.message(1) { handler in
                                    handler.message(2) { get in
                                        get.string(1, "/healthz")
                                        get.message(2) { $0.int(1, 0); $0.int(2, 80); $0.string(3, "") }
                                    }
                                }
                                probe.int(4, 10)
                            }
                        }
                        pod.string(3, "Always")
                        pod.int(4, 30)
                    }
                }
                spec.message(4) { strategy in
                    strategy.string(1, "RollingUpdate")
                    strategy.message(2) { $0.message(2) { $0.int(1, 1); $0.string(3, "25%") } }
                }
            }
            deployment.message(3) { _ in }
        }
    }
}

/// A CronJob whose job template uses nearly every pod, container and volume field the schemas
/// know, with zero values in pointer fields (they must survive) and in plain ones (they must not).
private let richCronJob = """
    {"apiVersion": "batch/v1", "kind": "CronJob",
     "metadata": {"name": "nightly", "namespace": "default", "uid": "0b5e3c1e-1111-2222-3333-444455556666"},
     "spec": {"schedule": "0 3 * * *", "jobTemplate": {
      "metadata": {"labels": {"app": "report"}, "annotations": {"team": "data"}},
      "spec": {
       "parallelism": 2, "completions": 4, "activeDeadlineSeconds": 600, "backoffLimit": 0, "ttlSecondsAfterFinished": 3600,
       "completionMode": "Indexed", "suspend": false, "manualSelector": false,
       "podFailurePolicy": {"rules": [
        {"action": "FailJob", "onExitCodes": {"containerName": "main", "operator": "In", "values": [42, 43]}},
        {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]}]},
       "template": {
        "metadata": {"labels": {"app": "report"}},
        "spec": {
         "volumes": [
          {"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
          {"name": "empty", "emptyDir": {}},
          {"name": "config", "configMap": {"name": "settings", "items": [{"key": "a", "path": "a.txt", "mode": 256}], "defaultMode": 420, "optional": true}},
          {"name": "creds", "secret": {"secretName": "creds", "defaultMode": 256, "optional": false}},
          {"name": "host", "hostPath": {"path": "/var/log", "type": "Directory"}},
          {"name": "data", "persistentVolumeClaim": {"claimName": "data", "readOnly": true}},
          {"name": "bundle", "projected": {"defaultMode": 420, "sources": [
           {"serviceAccountToken": {"audience": "api", "expirationSeconds": 3600, "path": "token"}},
           {"configMap": {"name": "ca", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
           {"downwardAPI": {"items": [{"path": "labels", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.labels"}}]}},
           {"secret": {"name": "extra", "optional": true}},
           {"clusterTrustBundle": {"signerName": "example.com/signer", "labelSelector": {"matchLabels": {"a": "b"}}, "path": "bundle.pem", "optional": false}}]}},
          {"name": "info", "downwardAPI": {"items": [{"path": "cpu", "resourceFieldRef": {"containerName": "main", "resource": "limits.cpu", "divisor": "1m"}}]}},
          {"name": "nfs", "nfs": {"server": "nfs.local", "path": "/exports", "readOnly": true}},
          {"name": "csi", "csi": {"driver": "inline.csi.example.com", "readOnly": true, "volumeAttributes": {"size": "1Gi"}, "nodePublishSecretRef": {"name": "csi-secret"}}},
          {"name": "eph", "ephemeral": {"volumeClaimTemplate": {"metadata": {"labels": {"type": "scratch"}},
           "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast", "volumeMode": "Filesystem", "resources": {"requests": {"storage": "1Gi"}},
            "dataSource": {"kind": "VolumeSnapshot", "name": "snap", "apiGroup": "snapshot.storage.k8s.io"}}}}},
          {"name": "img", "image": {"reference": "example.com/data:v1", "pullPolicy": "IfNotPresent"}}],
         "initContainers": [{"name": "init", "image": "busybox:1.36", "command": ["sh", "-c", "echo init"], "restartPolicy": "Always"}],
         "containers": [{
          "name": "main", "image": "example.com/report:v2", "command": ["/report"], "args": ["--day", "yesterday"], "workingDir": "/work",
          "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}, {"containerPort": 9090, "hostPort": 19090, "hostIP": "127.0.0.1", "protocol": "UDP"}],
          "envFrom": [{"prefix": "CFG_", "configMapRef": {"name": "settings", "optional": false}}, {"secretRef": {"name": "creds"}}],
          "env": [{"name": "PLAIN", "value": "1"}, {"name": "EMPTY", "value": ""},
           {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
           {"name": "MEM", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}},
           {"name": "KEY", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "a", "optional": true}}},
           {"name": "PASS", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}}],
          "resources": {"limits": {"cpu": "2", "memory": "1Gi"}, "requests": {"cpu": "0.5", "memory": "256Mi", "ephemeral-storage": "1G"}, "claims": [{"name": "gpu"}]},
          "resizePolicy": [{"resourceName": "cpu", "restartPolicy": "NotRequired"}],
          "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}, {"name": "config", "mountPath": "/etc/config", "readOnly": true, "subPath": "a.txt"},
           {"name": "host", "mountPath": "/host", "mountPropagation": "HostToContainer", "subPathExpr": "$(NODE)", "recursiveReadOnly": "Disabled"}],
          "volumeDevices": [{"name": "raw", "devicePath": "/dev/xvda"}],
          "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP", "httpHeaders": [{"name": "X-Probe", "value": "1"}]},
           "initialDelaySeconds": 5, "periodSeconds": 10, "failureThreshold": 3},
          "readinessProbe": {"tcpSocket": {"port": "http"}, "timeoutSeconds": 2, "successThreshold": 1},
          "startupProbe": {"exec": {"command": ["cat", "/tmp/ready"]}, "terminationGracePeriodSeconds": 0},
          "lifecycle": {"postStart": {"exec": {"command": ["echo", "started"]}}, "preStop": {"sleep": {"seconds": 5}}},
          "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "FallbackToLogsOnError", "imagePullPolicy": "IfNotPresent",
          "securityContext": {"capabilities": {"add": ["NET_ADMIN"], "drop": ["ALL"]}, "privileged": false, "runAsUser": 0,
           "readOnlyRootFilesystem": true, "allowPrivilegeEscalation": false, "procMount": "Default",
           "seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/report.json"}, "appArmorProfile": {"type": "RuntimeDefault"}},
          "stdin": true, "stdinOnce": true, "tty": false
         }, {
          "name": "sidecar", "image": "example.com/sidecar", "livenessProbe": {"grpc": {"port": 9000, "service": ""}}
         }],
         "ephemeralContainers": [{"name": "debug", "image": "busybox", "targetContainerName": "main", "stdin": true, "tty": true}],
         "restartPolicy": "Never", "terminationGracePeriodSeconds": 0, "activeDeadlineSeconds": 900, "dnsPolicy": "ClusterFirst",
         "nodeSelector": {"zone": "a", "disk": "ssd"}, "serviceAccountName": "reporter", "automountServiceAccountToken": false,
         "hostNetwork": false, "hostPID": false, "shareProcessNamespace": true,
         "securityContext": {"runAsUser": 1000, "runAsGroup": 0, "runAsNonRoot": true, "fsGroup": 2000, "supplementalGroups": [3000, 4000],
          "supplementalGroupsPolicy": "Merge", "fsGroupChangePolicy": "OnRootMismatch", "seLinuxChangePolicy": "Recursive",
          "sysctls": [{"name": "net.core.somaxconn", "value": "1024"}], "seccompProfile": {"type": "RuntimeDefault"},
          "seLinuxOptions": {"level": "s0:c123,c456"}, "windowsOptions": {"runAsUserName": "ContainerUser", "hostProcess": false}},
         "imagePullSecrets": [{"name": "registry"}], "hostname": "worker", "subdomain": "reports",
         "affinity": {
          "nodeAffinity": {
           "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{
            "matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}],
            "matchFields": [{"key": "metadata.name", "operator": "NotIn", "values": ["node-9"]}]}]},
           "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 10, "preference": {"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}}]},
          "podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}]},
          "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 50, "podAffinityTerm": {
           "labelSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["report"]}]}, "namespaces": ["default"],
           "topologyKey": "topology.kubernetes.io/zone", "namespaceSelector": {}, "matchLabelKeys": ["pod-template-hash"]}}]}},
         "schedulerName": "default-scheduler",
         "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "batch", "effect": "NoSchedule"},
          {"operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 0}],
         "hostAliases": [{"ip": "10.0.0.1", "hostnames": ["db.local", "cache.local"]}],
         "priorityClassName": "high", "priority": 0,
         "dnsConfig": {"nameservers": ["1.1.1.1"], "searches": ["svc.local"], "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}]},
         "readinessGates": [{"conditionType": "example.com/ready"}], "runtimeClassName": "runc", "enableServiceLinks": false,
         "preemptionPolicy": "Never", "overhead": {"cpu": "250m", "memory": "120Mi"},
         "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
          "labelSelector": {"matchLabels": {"app": "report"}}, "minDomains": 2, "nodeTaintsPolicy": "Honor", "matchLabelKeys": ["pod-template-hash"]}],
         "setHostnameAsFQDN": true, "os": {"name": "linux"}, "hostUsers": false, "schedulingGates": [{"name": "example.com/gate"}],
         "resourceClaims": [{"name": "gpu", "resourceClaimTemplateName": "gpu-template"}],
         "resources": {"limits": {"cpu": "4"}}
        }}}}}}
    """
