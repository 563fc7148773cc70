import Kube
import Testing

@Suite struct JSONScannerTests {
    private func scan(_ text: String, _ path: [String]) -> String? {
        JSONScanner.string(at: path, in: Array(text.utf8))
    }

    @Test func findsANestedStringPastValuesOfEveryKind() {
        let lease = #"""
            {"kind":"Lease","spec":{"renewTime":"x","n":-1.5e3,"a":[1,{"resourceVersion":"no"},"]}"],"t":true,"z":null},
             "metadata" : { "name":"n1", "labels":{"resourceVersion":"no"}, "resourceVersion" : "4711" }}
            """#
        #expect(scan(lease, ["metadata", "resourceVersion"]) == "4711")
        #expect(scan(lease, ["metadata", "name"]) == "n1")
        #expect(scan(lease, ["spec", "renewTime"]) == "x")
        #expect(scan(lease, ["kind"]) == "Lease")
    }

    @Test func parsesOneValueOfAnyKindOnItsOwn() {
        let node = Array(#"{"metadata":{"managedFields":[{"f":{"x":{}}}]},"status":{"conditions":[{"type":"Ready","status":"True"}],"n":7 },"spec":{"podCIDR":"10.0.0.0/24"}}"#.utf8)
        #expect(JSONScanner.value(at: ["status", "conditions"], in: node) == [["type": "Ready", "status": "True"]])
        #expect(JSONScanner.value(at: ["status", "n"], in: node) == 7)
        #expect(JSONScanner.value(at: ["spec"], in: node) == ["podCIDR": "10.0.0.0/24"])
        #expect(JSONScanner.value(at: ["status", "missing"], in: node) == nil)
        #expect(JSONScanner.value(at: ["status"], in: Array(#"{"status":{"a":[1,2}}"#.utf8)) == nil)
    }

    @Test func decodesEscapesInTheValueAndTheKeys() {
        #expect(scan(#"{"a\"b":{"k":"x\"y\u00e9"}}"#, ["a\"b", "k"]) == "x\"yé")
    }

    @Test func answersNilForMissingMembersOtherKindsAndBrokenDocuments() {
        #expect(scan(#"{"metadata":{"name":"n"}}"#, ["metadata", "resourceVersion"]) == nil)
        #expect(scan(#"{"metadata":{"resourceVersion":12}}"#, ["metadata", "resourceVersion"]) == nil)
        #expect(scan(#"{"metadata":"s"}"#, ["metadata", "resourceVersion"]) == nil)
        #expect(scan(#"{}"#, ["a"]) == nil)
        #expect(scan(#"[{"a":"b"}]"#, ["a"]) == nil)
        #expect(scan(#"{"x":[1,2"#, ["a"]) == nil)
        #expect(scan(#"{"a":"unterminated"#, ["a"]) == nil)
        #expect(scan(#"{"a":"b\"#, ["a"]) == nil)
        #expect(scan("", ["a"]) == nil)
        #expect(scan(#"{"a":"b"}"#, []) == nil)
    }
}

@Suite struct JSONTemplateTests {
    private let lease: JSONValue = [
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": ["name": "n1", "namespace": "kube-node-lease", "resourceVersion": "1"],
        "spec": ["holderIdentity": "n1", "leaseDurationSeconds": 40, "renewTime": "old"],
    ]

    private func expected(_ document: JSONValue, _ version: String, _ time: String) -> [UInt8] {
        var document = document
        document["metadata"]?["resourceVersion"] = .string(version)
        document["spec"]?["renewTime"] = .string(time)
        return document.serialized()
    }

    @Test func rendersWhatSerializingTheChangedDocumentWrites() {
        let template = JSONTemplate(lease, holes: [["metadata", "resourceVersion"], ["spec", "renewTime"]])
        #expect(template.render(["2", "2026-11-22T10:00:00.000000Z"]) == expected(lease, "2", "2026-11-22T10:00:00.000000Z"))
        // Strings that need escaping are escaped as the serializer escapes them.
        #expect(template.render(["a\"<b>", "\n"]) == expected(lease, "a\"<b>", "\n"))
    }

    @Test func holesMayComeInAnyOrderAndBeMissingFromTheDocument() {
        let template = JSONTemplate(lease, holes: [["spec", "renewTime"], ["metadata", "uid"]])
        var document = lease
        document["spec"]?["renewTime"] = "t"
        document["metadata"]?["uid"] = "u"
        #expect(template.render(["t", "u"]) == document.serialized())
    }

    @Test func aDocumentHoldingTheMarkerTextStillRendersRight() {
        var document = lease
        document["metadata"]?["name"] = "\u{7F}node-agent-template-hole-0\u{7F}"
        let template = JSONTemplate(document, holes: [["metadata", "resourceVersion"], ["spec", "renewTime"]])
        #expect(template.render(["9", "t"]) == expected(document, "9", "t"))
    }
}
