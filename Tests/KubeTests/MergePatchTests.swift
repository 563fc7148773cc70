import Kube
import Testing

@Suite struct MergePatchTests {
    /// The behaviours of RFC 7386's appendix, in our own words: (target, patch, result).
    @Test(arguments: [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
        (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
        (#"{"a":"foo"}"#, "null", "null"),
        (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
        (#"{"e":null}"#, #"{"a":1}"#, #"{"e":null,"a":1}"#),
        (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ])
    func rfc7386Examples(target: String, patch: String, expected: String) {
        let result = MergePatch.apply(.json(patch), to: .json(target))
        #expect(result == .json(expected))
        #expect(result.text == expected)  // order too: kept members stay, new ones come last
    }

    @Test func fixtureMergePatchOfNodeLabels() throws {
        let before = try JSONTestFixtures.json("02-nodes-04-patch-status-smp-ready-true.resp.json")
        let patch = try JSONTestFixtures.json("02-nodes-05-patch-merge-labels.req.json")
        let after = try JSONTestFixtures.json("02-nodes-05-patch-merge-labels.resp.json")
        let result = MergePatch.apply(patch, to: before)
        #expect(result.value(at: "/metadata/labels") == after.value(at: "/metadata/labels"))
        #expect(result.value(at: "/metadata/labels/fx-remove-me") == nil)
        #expect(result["status"] == before["status"])
    }

    @Test func createIsMinimal() {
        let original: JSONValue = .json(#"{"a":1,"b":{"c":2,"d":[1,2],"e":"x"},"gone":true}"#)
        let modified: JSONValue = .json(#"{"a":1,"b":{"c":3,"d":[1,2],"e":"x"},"new":[]}"#)
        let patch = MergePatch.create(from: original, to: modified)
        #expect(patch == .json(#"{"b":{"c":3},"gone":null,"new":[]}"#))
        #expect(MergePatch.create(from: original, to: original) == [:])
        #expect(MergePatch.create(from: original, to: [1]) == [1])
    }

    @Test func createThenApplyRoundTrips() throws {
        var pairs: [(JSONValue, JSONValue)] = []
        let nodes = ["02-nodes-01-create.resp.json", "02-nodes-02-get.resp.json", "02-nodes-04-patch-status-smp-ready-true.resp.json",
                     "02-nodes-06-patch-jsonpatch.resp.json", "02-nodes-08-patch-smp-taints.resp.json"]
        let pods = ["04-pods-01-create.resp.json", "04-pods-02-get-after-scheduling.resp.json", "04-pods-03-patch-status-running-smp.resp.json"]
        for list in [nodes, pods] {
            let documents = try list.map { try JSONTestFixtures.json($0).withoutNullMembers() }
            for a in documents { for b in documents { pairs.append((a, b)) } }
        }
        var generator = JSONDocumentGenerator(seed: 7386)
        generator.nullMembers = false
        for _ in 0..<500 {
            let a = generator.document()
            pairs.append((a, generator.mutate(a).withoutNullMembers()))
        }
        for (a, b) in pairs {
            let patch = MergePatch.create(from: a, to: b)
            #expect(MergePatch.apply(patch, to: a) == b, "\(a.text) → \(b.text) via \(patch.text)")
        }
    }
}

extension JSONValue {
    /// Merge patches cannot set a member to null; drop such members (arrays keep their nulls).
    func withoutNullMembers() -> JSONValue {
        switch self {
        case .object(let object):
            var result = JSONObject()
            for (key, value) in object where !value.isNull { result[key] = value.withoutNullMembers() }
            return .object(result)
        case .array(let elements): return .array(elements.map { $0.withoutNullMembers() })
        default: return self
        }
    }
}
