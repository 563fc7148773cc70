@testable import ControlPlane
import Foundation
import Kube
import Loop
import Testing

@Suite @LoopActor struct StoreTests {
    static func pod(_ name: String, labels: JSONValue = .object([:])) -> JSONValue {
        ["kind": "Pod", "apiVersion": "v1", "metadata": ["name": .string(name), "namespace": "ns", "labels": labels]]
    }

    @Test func resourceVersionsGrowAndTheWindowForgetsOldEvents() {
        let store = ObjectStore(windowSize: 3, initialResourceVersion: 10)
        for name in ["a", "b", "c", "d"] { store.put("pods", ObjectKey(namespace: "ns", name: name), Self.pod(name)) }
        #expect(store.resourceVersion == 14)
        #expect(store.get("pods", ObjectKey(namespace: "ns", name: "d"))?["metadata"]?["resourceVersion"] == "14")
        #expect(store.events("pods", after: 10) == nil)
        #expect(store.events("pods", after: 11)?.map(\.resourceVersion) == [12, 13, 14])
        #expect(store.events("pods", after: 13)?.map(\.resourceVersion) == [14])
        let removed = store.remove("pods", ObjectKey(namespace: "ns", name: "a"))
        #expect(removed?["metadata"]?["resourceVersion"] == "15")
        #expect(store.events("pods", after: 14)?.first?.kind == .deleted)
    }

    @Test func eachResourceKeepsItsOwnWindow() {
        // Many lease renewals must not push the pods' events out of reach.
        let store = ObjectStore(windowSize: 3, initialResourceVersion: 10)
        store.put("pods", ObjectKey(namespace: "ns", name: "a"), Self.pod("a"))
        for _ in 0..<10 { store.put("leases", ObjectKey(namespace: "ns", name: "l"), Self.pod("l")) }
        #expect(store.events("pods", after: 10)?.map(\.resourceVersion) == [11])
        #expect(store.events("leases", after: 11) == nil)
        #expect(store.events("leases", after: 18)?.map(\.resourceVersion) == [19, 20, 21])
        #expect(store.oldestResumableVersion("pods") == 10)
        #expect(store.oldestResumableVersion("nodes") == 10)
    }

    @Test func aWatcherSeesObjectsEnterAndLeaveItsSelector() async throws {
        let store = ObjectStore()
        let filter = ObjectFilter(namespace: "ns", labels: try LabelSelectorExpression(parsing: "app=web"))
        let watcher = Watcher(storageKey: "pods", apiVersion: "v1", filter: filter, from: 0)
        store.register(watcher)
        let key = ObjectKey(namespace: "ns", name: "p")
        store.put("pods", key, Self.pod("p"))
        store.put("pods", key, Self.pod("p", labels: ["app": "web"]))
        store.put("pods", key, Self.pod("p", labels: ["app": "db"]))
        watcher.finish()
        let text = String(decoding: await watcher.nextBatch() ?? [], as: UTF8.self)
        let types = text.split(separator: "\n").map { try? JSONValue(parsing: String($0))["type"]?.stringValue }
        #expect(types == ["ADDED", "DELETED"])
        #expect(await watcher.nextBatch() == nil)
    }

    @Test func aWritesAnswerIsCutFromTheWatchLineByteForByte() async {
        let store = ObjectStore()
        let watcher = Watcher(storageKey: "pods", apiVersion: "v1", filter: ObjectFilter(), from: 0)
        store.register(watcher)
        let pod = Self.pod("p", labels: ["text": "<&\u{2028}é\"\\"])
        let key = ObjectKey(namespace: "ns", name: "p")
        for kind in [StoredEvent.Kind.added, .modified] {
            let event = store.write("pods", key, pod)
            #expect(event.kind == kind)
            var expected = event.object.serialized()
            expected.append(UInt8(ascii: "\n"))
            #expect(event.body(as: "v1") == expected)
            #expect(event.line(as: "v1") == Array(#"{"type":"\#(kind.rawValue)","object":"#.utf8) + expected.dropLast() + Array("}\n".utf8))
            // Another version has no line to cut from: its body is serialized afresh.
            var other = event.object
            other["apiVersion"] = "v2"
            #expect(event.body(as: "v2") == other.serialized() + [UInt8(ascii: "\n")])
        }
        watcher.finish()
        #expect(String(decoding: await watcher.nextBatch() ?? [], as: UTF8.self).split(separator: "\n").count == 2)
    }

    @Test func aReplayedBacklogBeyondTheCapacityIsSentWhole() async {
        // A watch resumed from an old version starts with more missed events than its capacity: they
        // all go out (else the client would resume from the same version forever), and only live
        // events count against the capacity afterwards.
        let watcher = Watcher(storageKey: "pods", apiVersion: "v1", filter: ObjectFilter(), from: 0, capacity: 2)
        for line in ["1\n", "2\n", "3\n", "4\n"] { watcher.send(Array(line.utf8), replayed: true) }
        #expect(await watcher.nextBatch() == Array("1\n2\n3\n4\n".utf8))
        for line in ["5\n", "6\n"] { watcher.send(Array(line.utf8)) }
        #expect(await watcher.nextBatch() == Array("5\n6\n".utf8))
        for line in ["7\n", "8\n", "9\n"] { watcher.send(Array(line.utf8)) }
        #expect(await watcher.nextBatch() == nil)
    }

    @Test func aWatcherHandsOverEverythingQueuedAsOneBatch() async {
        let watcher = Watcher(storageKey: "pods", apiVersion: "v1", filter: ObjectFilter(), from: 0)
        for line in ["one\n", "two\n", "three\n"] { watcher.send(Array(line.utf8)) }
        #expect(await watcher.nextBatch() == Array("one\ntwo\nthree\n".utf8))
        watcher.send(Array("four\n".utf8))
        #expect(await watcher.nextBatch() == Array("four\n".utf8))
    }

    @Test func aWatcherThatFallsBehindIsClosed() async {
        let watcher = Watcher(storageKey: "pods", apiVersion: "v1", filter: ObjectFilter(), from: 0, capacity: 2)
        for line in ["1\n", "2\n", "3\n"] { watcher.send(Array(line.utf8)) }
        #expect(await watcher.nextBatch() == nil)
    }

    @Test func labelSelectorsParseLikeTheApiserver() throws {
        let selector = try LabelSelectorExpression(parsing: "a=1, b!=2,c in (x, y),d notin (z),e,!f")
        #expect(selector.matches(["a": "1", "c": "x", "d": "q", "e": ""]))
        #expect(!selector.matches(["a": "1", "b": "2", "c": "x", "e": ""]))
        #expect(!selector.matches(["a": "1", "c": "x", "e": "", "f": "1"]))
        #expect(throws: APIError.self) { try LabelSelectorExpression(parsing: "app in (x") }
        #expect(throws: APIError.self) { try LabelSelectorExpression(parsing: "=x") }
    }

    @Test func continueTokensRoundTripInTheApiserversFormat() throws {
        let token = ContinueToken(resourceVersion: 774, start: "fx/fx-list-b\u{0}")
        // The fixture 06-list-01's token for the same position.
        #expect(token.encoded == "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6Nzc0LCJzdGFydCI6ImZ4L2Z4LWxpc3QtYlx1MDAwMCJ9")
        let decoded = try ContinueToken(decoding: token.encoded)
        #expect(decoded.resourceVersion == 774 && decoded.start == "fx/fx-list-b\u{0}")
        #expect(throws: APIError.self) { try ContinueToken(decoding: "!!!") }
    }
}

@Suite struct ObjectMetaRuleTests {
    @Test func uidsAreVersion4UUIDs() {
        let uids = (0..<200).map { _ in ObjectMetaRules.newUID() }
        #expect(Set(uids).count == uids.count)
        for uid in uids {
            #expect(UUID(uuidString: uid) != nil, "\(uid)")
            #expect(uid == uid.lowercased() && uid.count == 36)
            let characters = Array(uid)
            #expect(characters[14] == "4")  // version
            #expect("89ab".contains(characters[19]))  // RFC 4122 variant
        }
    }
}
