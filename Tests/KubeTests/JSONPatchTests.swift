import Kube
import Testing

@Suite struct JSONPatchTests {
    private func apply(_ patch: String, to document: String) throws(JSONPatchError) -> JSONValue {
        try JSONPatch.apply(try JSONPatch.parse(.json(patch)), to: .json(document))
    }

    private func failure(_ patch: String, on document: String) -> JSONPatchError? {
        do {
            _ = try apply(patch, to: document)
            return nil
        } catch {
            return error
        }
    }

    @Test func fixtureJSONPatchOnNode() throws {
        let before = try JSONTestFixtures.json("02-nodes-05-patch-merge-labels.resp.json")
        let operations = try JSONPatch.parse(try JSONTestFixtures.json("02-nodes-06-patch-jsonpatch.req.json"))
        #expect(operations.map(\.op) == [.add, .replace, .add])
        let after = try JSONTestFixtures.json("02-nodes-06-patch-jsonpatch.resp.json")
        let result = try JSONPatch.apply(operations, to: before)
        #expect(result.value(at: "/metadata/labels") == after.value(at: "/metadata/labels"))
        #expect(result.value(at: "/metadata/annotations") == after.value(at: "/metadata/annotations"))
        #expect(result.value(at: "/metadata/annotations/fx~1note") == "json patch: ~1 escapes /")
        // `replace` of the absent /spec/unschedulable was accepted by the server (false is then omitted).
        #expect(result.value(at: "/spec/unschedulable") == false)
        #expect(result["status"] == before["status"])
    }

    @Test func fixtureFailedTestChangesNothing() throws {
        let before = try JSONTestFixtures.json("02-nodes-06-patch-jsonpatch.resp.json")
        let operations = try JSONPatch.parse(try JSONTestFixtures.json("02-nodes-07-patch-jsonpatch-test-fails.req.json"))
        #expect(throws: JSONPatchError.self) { try JSONPatch.apply(operations, to: before) }
        do {
            _ = try JSONPatch.apply(operations, to: before)
        } catch {
            #expect(error.isTestFailure)
            #expect(error.index == 0 && error.op == .test && error.path == "/metadata/labels/type")
            #expect(error.description.contains("operation 0 (test \"/metadata/labels/type\")"))
        }
    }

    @Test func addsInsertsAndAppends() throws {
        #expect(try apply(#"[{"op":"add","path":"/a/-","value":3}]"#, to: #"{"a":[1,2]}"#) == .json(#"{"a":[1,2,3]}"#))
        #expect(try apply(#"[{"op":"add","path":"/a/0","value":0}]"#, to: #"{"a":[1,2]}"#) == .json(#"{"a":[0,1,2]}"#))
        #expect(try apply(#"[{"op":"add","path":"/a/2","value":3}]"#, to: #"{"a":[1,2]}"#) == .json(#"{"a":[1,2,3]}"#))
        #expect(try apply(#"[{"op":"add","path":"/b","value":{"c":null}}]"#, to: #"{"a":1}"#).text == #"{"a":1,"b":{"c":null}}"#)
        #expect(try apply(#"[{"op":"add","path":"/a","value":2}]"#, to: #"{"a":1,"z":0}"#).text == #"{"a":2,"z":0}"#)
        #expect(try apply(#"[{"op":"add","path":"","value":[1]}]"#, to: #"{"a":1}"#) == [1])
        #expect(try apply(#"[{"op":"add","path":"/","value":1}]"#, to: #"{}"#) == .json(#"{"":1}"#))
        #expect(failure(#"[{"op":"add","path":"/a/3","value":3}]"#, on: #"{"a":[1,2]}"#) != nil)
        #expect(failure(#"[{"op":"add","path":"/a/01","value":3}]"#, on: #"{"a":[1,2]}"#) != nil)
        #expect(failure(#"[{"op":"add","path":"/missing/b","value":3}]"#, on: #"{"a":[1,2]}"#) != nil)
        #expect(failure(#"[{"op":"add","path":"/a/b","value":3}]"#, on: #"{"a":"s"}"#) != nil)
    }

    @Test func removesAndReplaces() throws {
        #expect(try apply(#"[{"op":"remove","path":"/a/1"}]"#, to: #"{"a":[1,2,3]}"#) == .json(#"{"a":[1,3]}"#))
        #expect(try apply(#"[{"op":"remove","path":"/a"}]"#, to: #"{"a":1,"b":2}"#) == .json(#"{"b":2}"#))
        #expect(try apply(#"[{"op":"replace","path":"/a","value":[]}]"#, to: #"{"a":1,"b":2}"#).text == #"{"a":[],"b":2}"#)
        #expect(try apply(#"[{"op":"replace","path":"/a/0","value":9}]"#, to: #"{"a":[1]}"#) == .json(#"{"a":[9]}"#))
        #expect(try apply(#"[{"op":"replace","path":"","value":"x"}]"#, to: #"{"a":1}"#) == "x")
        #expect(failure(#"[{"op":"remove","path":"/x"}]"#, on: #"{"a":1}"#) != nil)
        #expect(failure(#"[{"op":"remove","path":"/a/5"}]"#, on: #"{"a":[1]}"#) != nil)
        #expect(failure(#"[{"op":"remove","path":""}]"#, on: #"{"a":1}"#) != nil)
        #expect(failure(#"[{"op":"replace","path":"/a/1","value":1}]"#, on: #"{"a":[1]}"#) != nil)
    }

    @Test func movesAndCopies() throws {
        #expect(try apply(#"[{"op":"move","from":"/a/b","path":"/c"}]"#, to: #"{"a":{"b":1,"x":2}}"#) == .json(#"{"a":{"x":2},"c":1}"#))
        #expect(try apply(#"[{"op":"move","from":"/l/0","path":"/l/-"}]"#, to: #"{"l":[1,2,3]}"#) == .json(#"{"l":[2,3,1]}"#))
        #expect(try apply(#"[{"op":"move","from":"/a","path":"/a"}]"#, to: #"{"a":1}"#) == .json(#"{"a":1}"#))
        #expect(try apply(#"[{"op":"copy","from":"/a","path":"/b"}]"#, to: #"{"a":{"x":[1]}}"#) == .json(#"{"a":{"x":[1]},"b":{"x":[1]}}"#))
        #expect(failure(#"[{"op":"move","from":"/a","path":"/a/b"}]"#, on: #"{"a":{}}"#)?.reason.contains("own children") == true)
        #expect(failure(#"[{"op":"copy","from":"/nope","path":"/b"}]"#, on: #"{"a":1}"#) != nil)
    }

    @Test func testComparesByJSONEquality() throws {
        #expect(try apply(#"[{"op":"test","path":"/a","value":{"y":[1.0,null],"x":"s"}}]"#, to: #"{"a":{"x":"s","y":[1,null]}}"#) == .json(#"{"a":{"x":"s","y":[1,null]}}"#))
        #expect(try apply(#"[{"op":"test","path":"/n","value":null}]"#, to: #"{"n":null}"#) == .json(#"{"n":null}"#))
        #expect(failure(#"[{"op":"test","path":"/a","value":"1"}]"#, on: #"{"a":1}"#)?.isTestFailure == true)
        #expect(failure(#"[{"op":"test","path":"/missing","value":null}]"#, on: #"{"a":1}"#)?.isTestFailure == true)
    }

    @Test func escapesInPaths() throws {
        let document = #"{"a/b":{"m~n":1},"~1":2}"#
        #expect(try apply(#"[{"op":"replace","path":"/a~1b/m~0n","value":5}]"#, to: document) == .json(#"{"a/b":{"m~n":5},"~1":2}"#))
        #expect(try apply(#"[{"op":"remove","path":"/~01"}]"#, to: document) == .json(#"{"a/b":{"m~n":1}}"#))
        #expect(failure(#"[{"op":"remove","path":"/a~2b"}]"#, on: document)?.reason.contains("malformed") == true)
        #expect(failure(#"[{"op":"remove","path":"a"}]"#, on: document) != nil)
    }

    @Test func isAtomic() throws {
        let document = JSONValue.json(#"{"a":1}"#)
        let operations: [JSONPatchOperation] = [.add("/b", 2), .replace("/a", 3), .remove("/nope"), .add("/c", 4)]
        do {
            _ = try JSONPatch.apply(operations, to: document)
            Issue.record("applied")
        } catch {
            #expect(error.index == 2 && error.op == .remove && error.path == "/nope" && !error.isTestFailure)
        }
        #expect(document == .json(#"{"a":1}"#))
    }

    @Test func parsesAndEncodes() throws {
        let text = #"[{"op":"add","path":"/a","value":null},{"op":"remove","path":"/b"},{"op":"move","path":"/c","from":"/d"},{"op":"test","path":"","value":1}]"#
        let operations = try JSONPatch.parse(.json(text))
        #expect(operations == [.add("/a", nil), .remove("/b"), .move(from: "/d", to: "/c"), .test("", 1)])
        #expect(JSONPatch.encode(operations).text == text)
        let bad: [(String, String)] = [
            (#"{"op":"add"}"#, "list"), (#"[1]"#, "object"), (#"[{"path":"/a"}]"#, "\"op\""),
            (#"[{"op":"frob","path":"/a"}]"#, "unknown op"), (#"[{"op":"add","path":"/a"}]"#, "\"value\""),
            (#"[{"op":"copy","path":"/a"}]"#, "\"from\""), (#"[{"op":"remove"}]"#, "\"path\""),
        ]
        for (patch, reason) in bad {
            #expect(throws: JSONPatchError.self) { try JSONPatch.parse(.json(patch)) }
            do { _ = try JSONPatch.parse(.json(patch)) } catch { #expect(error.reason.contains(reason), "\(patch): \(error)") }
        }
    }

    @Test func createProducesSmallPatches() {
        let a = JSONValue.json(#"{"keep":1,"change":{"x":1,"y":2},"drop":true,"list":[{"name":"first","image":"busybox"},{"name":"second","image":"nginx"},3,4]}"#)
        let b = JSONValue.json(#"{"keep":1,"change":{"x":1,"y":3},"list":[{"name":"first","image":"busybox"},{"name":"second","image":"nginx"}],"new/key":"v"}"#)
        let operations = JSONPatch.create(from: a, to: b)
        #expect(operations == [.replace("/change/y", 3), .remove("/drop"), .remove("/list/3"), .remove("/list/2"), .add("/new~1key", "v")])
        #expect(JSONPatch.create(from: a, to: a).isEmpty)
        #expect(JSONPatch.create(from: a, to: "x") == [.replace("", "x")])
        // Completely different arrays are replaced whole rather than element by element.
        #expect(JSONPatch.create(from: [1, 2, 3, 4], to: [5, 6, 7]) == [.replace("", [5, 6, 7])])
        #expect(JSONPatch.create(from: [1, 2], to: [1, 2, 3]) == [.add("/2", 3)])
    }

    @Test func createThenApplyRoundTrips() throws {
        var pairs: [(JSONValue, JSONValue)] = []
        let names = ["02-nodes-01-create.resp.json", "02-nodes-04-patch-status-smp-ready-true.resp.json", "02-nodes-08-patch-smp-taints.resp.json",
                     "04-pods-01-create.resp.json", "04-pods-03-patch-status-running-smp.resp.json", "06-list-01-pods-limit2.resp.json",
                     "06-list-02-pods-limit2-continue.resp.json"]
        let documents = try names.map { try JSONTestFixtures.json($0) }
        for a in documents { for b in documents { pairs.append((a, b)) } }
        var generator = JSONDocumentGenerator(seed: 6902)
        for _ in 0..<1000 {
            let a = generator.document()
            pairs.append((a, generator.mutate(a)))
        }
        for (a, b) in pairs {
            let operations = JSONPatch.create(from: a, to: b)
            let encoded = JSONPatch.encode(operations)
            let result = try JSONPatch.apply(try JSONPatch.parse(.json(encoded.text)), to: a)
            #expect(result == b, "\(a.text) → \(b.text) via \(encoded.text)")
        }
    }
}
