import ControlPlane
import Foundation
import HTTP
import HTTPClient
import Kube
import Loop
import Testing

/// Requests replayed from the kube-apiserver 1.19 fixtures: where our answer differs, we are wrong.
@Suite(.timeLimit(.minutes(2))) @LoopActor struct FixtureProtocolTests {
    @Test func nodeErrorsMatchTheFixtures() async throws {
        let harness = try Harness()
        let api = AdminAPI(harness)
        let node = try Fixtures.text("02-nodes-01-create.req.json")
        #expect(try await api.send(.post, "/api/v1/nodes", body: node).status == 201)

        let again = try await api.send(.post, "/api/v1/nodes", body: node)
        #expect(again.status == 409)
        #expect(again.body == (try Fixtures.json("02-nodes-12-create-again-409-alreadyexists.resp.json")))

        let missing = try await api.send(.get, "/api/v1/nodes/fx-no-such-node")
        #expect(missing.body == (try Fixtures.json("02-nodes-13-get-missing-404.resp.json")))

        let wrongKind = try await api.send(.post, "/api/v1/nodes", body: try Fixtures.text("02-nodes-19-create-wrong-kind-400.req.json"))
        #expect(wrongKind.body == (try Fixtures.json("02-nodes-19-create-wrong-kind-400.resp.json")))

        let mismatch = try await api.send(.put, "/api/v1/nodes/fx-node-1", body: try Fixtures.text("02-nodes-20-put-name-mismatch-400.req.json"))
        #expect(mismatch.body == (try Fixtures.json("02-nodes-20-put-name-mismatch-400.resp.json")))

        let plain = try await api.send(.patch, "/api/v1/nodes/fx-node-1", body: "x", contentType: "text/plain")
        #expect(plain.body == (try Fixtures.json("02-nodes-16-patch-unsupported-content-type-415.resp.json")))
        let json = try await api.send(.patch, "/api/v1/nodes/fx-node-1", body: "{}", contentType: "application/json")
        #expect(json.body == (try Fixtures.json("02-nodes-17-patch-content-type-application-json-415.resp.json")))

        let failedTest = try await api.send(
            .patch, "/api/v1/nodes/fx-node-1", body: try Fixtures.text("02-nodes-07-patch-jsonpatch-test-fails.req.json"),
            contentType: "application/json-patch+json")
        #expect(failedTest.body == (try Fixtures.json("02-nodes-07-patch-jsonpatch-test-fails.resp.json")))

        let badLabel = try await api.send(.post, "/api/v1/nodes", body: try Fixtures.text("02-nodes-14-create-invalid-label-422.req.json"))
        #expect(badLabel.body == (try Fixtures.json("02-nodes-14-create-invalid-label-422.resp.json")))
        let badName = try await api.send(.post, "/api/v1/nodes", body: try Fixtures.text("02-nodes-15-create-invalid-name-and-taint-422.req.json"))
        #expect(badName.body == (try Fixtures.json("02-nodes-15-create-invalid-name-and-taint-422.resp.json")))

        let stale = try await api.send(.put, "/api/v1/nodes/fx-node-1", body: #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"fx-node-1","resourceVersion":"1"}}"#)
        #expect(stale.body == (try Fixtures.json("02-nodes-09-put-stale-rv-409.resp.json")))
        await harness.stop()
    }

    @Test func aCreatedNodeIsStoredAsTheApiserverStoresIt() async throws {
        let harness = try Harness()
        let api = AdminAPI(harness)
        let created = try await api.send(.post, "/api/v1/nodes", body: try Fixtures.text("02-nodes-01-create.req.json"))
        let expected = try Fixtures.json("02-nodes-01-create.resp.json")
        var ours = created.body
        var theirs = expected
        for volatile in ["uid", "resourceVersion", "creationTimestamp", "managedFields"] {
            ours["metadata"]?[volatile] = nil
            theirs["metadata"]?[volatile] = nil
        }
        // Conditions' times are truncated to seconds, as the fixture shows.
        #expect(ours["status"] == theirs["status"])
        #expect(ours["spec"] == theirs["spec"])
        #expect(ours["metadata"] == theirs["metadata"])
        #expect(ours.objectValue?.keys == theirs.objectValue?.keys)
        await harness.stop()
    }

    @Test func podDefaultsMatchTheFixture() async throws {
        let harness = try Harness()
        let api = AdminAPI(harness)
        _ = try await api.send(.post, "/api/v1/namespaces", body: try Fixtures.text("04-pods-00-create-namespace.req.json"))
        let created = try await api.send(.post, "/api/v1/namespaces/fx/pods", body: try Fixtures.text("04-pods-01-create.req.json"))
        #expect(created.status == 201, "\(created.text)")
        let expected = try Fixtures.json("04-pods-01-create.resp.json")
        let token = created.body["spec"]?["volumes"]?[0]?["name"]?.stringValue ?? ""
        #expect(token.hasPrefix("default-token-"))
        let theirToken = expected["spec"]?["volumes"]?[0]?["name"]?.stringValue ?? ""
        let theirs = try JSONValue(parsing: expected["spec"]!.text.replacingOccurrences(of: theirToken, with: token))
        #expect(created.body["spec"] == theirs)
        #expect(created.body["status"] == expected["status"])
        await harness.stop()
    }

    @Test func aBindingSetsTheNodeAndPodScheduledInOneWrite() async throws {
        let harness = try Harness()
        let api = AdminAPI(harness)
        _ = try await api.send(.post, "/api/v1/namespaces", body: try Fixtures.text("04-pods-00-create-namespace.req.json"))
        let created = try await api.send(.post, "/api/v1/namespaces/fx/pods", body: try Fixtures.text("04-pods-13-create-unscheduled.req.json"))
        #expect(created.status == 201, "\(created.text)")
        let path = "/api/v1/namespaces/fx/pods/fx-pod-bind"
        let bound = try await api.send(.post, path + "/binding", body: try Fixtures.text("04-pods-14-binding.req.json"))
        #expect(bound.body == (try Fixtures.json("04-pods-14-binding.resp.json")))

        let pod = try await api.send(.get, path).body
        let expected = try Fixtures.json("04-pods-15-get-after-binding.resp.json")
        #expect(pod["spec"]?["nodeName"] == expected["spec"]?["nodeName"])
        let condition = pod["status"]?["conditions"]?[0]
        #expect(condition?["lastTransitionTime"]?.stringValue.flatMap(Time.init(rfc3339:)) != nil)
        var withoutTime = condition
        withoutTime?["lastTransitionTime"] = expected["status"]?["conditions"]?[0]?["lastTransitionTime"]
        #expect(withoutTime == expected["status"]?["conditions"]?[0])

        let again = try await api.send(.post, path + "/binding", body: try Fixtures.text("04-pods-16-binding-again-409.req.json"))
        #expect(again.body == (try Fixtures.json("04-pods-16-binding-again-409.resp.json")))
        await harness.stop()
    }

    @Test func listAndWatchErrorsMatchTheFixtures() async throws {
        // A window of four events: the namespaces made at start already push resourceVersion 1 out of it.
        let harness = try Harness { $0.watchWindow = 4 }
        let api = AdminAPI(harness)
        let field = try await api.send(.get, "/api/v1/namespaces/default/pods?fieldSelector=spec.foo%3Dbar")
        #expect(field.body == (try Fixtures.json("06-list-06-pods-fieldselector-unsupported-400.resp.json")))
        let label = try await api.send(.get, "/api/v1/namespaces/default/pods?labelSelector=app%20in%20%28x")
        #expect(label.body == (try Fixtures.json("06-list-07-pods-labelselector-invalid-400.resp.json")))
        let match = try await api.send(.get, "/api/v1/namespaces/default/pods?resourceVersionMatch=Exact")
        #expect(match.body == (try Fixtures.json("06-list-19-rvmatch-without-rv-422.resp.json")))

        let tooOld = try await api.send(.get, "/api/v1/pods?watch=true&resourceVersion=1&allowWatchBookmarks=true&timeoutSeconds=10")
        let line = try JSONValue(parsing: tooOld.text)
        let expected = try JSONValue(parsing: Fixtures.text("05-watch-03-pods-rv1-too-old.stream.jsonl"))
        #expect(line["type"] == expected["type"])
        #expect(line["object"]?["reason"] == "Expired")
        #expect(line["object"]?["code"] == 410)
        #expect(line["object"]?["message"]?.stringValue?.hasPrefix("too old resource version: 1 (") == true)
        await harness.stop()
    }

    @Test func leasesTakeOnlySixDigitMicroTimes() async throws {
        let harness = try Harness()
        let api = AdminAPI(harness)
        let lease = try Fixtures.text("03-leases-01-create.req.json")
        let created = try await api.send(.post, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", body: lease)
        #expect(created.status == 201, "\(created.text)")
        for (name, cut) in [("03-leases-04-put-renewtime-no-fraction-400", "cannot parse \"Z\""), ("03-leases-05-put-renewtime-3-digits-400", "cannot parse \".123Z\"")] {
            var body = try JSONValue(parsing: Fixtures.text("\(name).req.json"))
            body["metadata"]?["resourceVersion"] = nil
            body["metadata"]?["uid"] = nil
            let answer = try await api.send(.put, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/fx-node-1", body: body.text)
            let expected = try Fixtures.json("\(name).resp.json")
            #expect(answer.status == 400)
            #expect(answer.body["reason"] == expected["reason"])
            let prefix = expected["message"]?.stringValue?.components(separatedBy: cut).first ?? "?"
            #expect(answer.body["message"]?.stringValue?.hasPrefix(prefix) == true, "\(answer.text) vs \(prefix)")
        }
        var offset = try JSONValue(parsing: Fixtures.text("03-leases-07-put-renewtime-offset.req.json"))
        offset["metadata"]?["resourceVersion"] = nil
        offset["metadata"]?["uid"] = nil
        let converted = try await api.send(.put, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/fx-node-1", body: offset.text)
        #expect(converted.body["spec"]?["renewTime"] == "2026-11-22T03:00:03.654321Z", "\(converted.text)")
        await harness.stop()
    }
}

@Suite(.timeLimit(.minutes(2))) @LoopActor struct EventsAPITests {
    /// Fixtures 07-events-07/08/09: one object, written through events.k8s.io, read through both APIs.
    @Test func eventsK8sIoEventsAreCoreEvents() async throws {
        let harness = try Harness()
        let api = AdminAPI(harness)
        _ = try await api.send(.post, "/api/v1/namespaces", body: #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"fx"}}"#)
        let created = try await api.send(
            .post, "/apis/events.k8s.io/v1/namespaces/fx/events", body: try Fixtures.text("07-events-07-create-events.k8s.io-v1.req.json"))
        #expect(created.status == 201, "\(created.text)")
        func comparable(_ value: JSONValue) -> JSONValue {
            var value = value
            for key in ["uid", "resourceVersion", "creationTimestamp", "managedFields"] { value["metadata"]?[key] = nil }
            return value
        }
        #expect(comparable(created.body) == comparable(try Fixtures.json("07-events-07-create-events.k8s.io-v1.resp.json")))
        #expect(created.body.objectValue?.keys == (try Fixtures.json("07-events-07-create-events.k8s.io-v1.resp.json")).objectValue?.keys)

        let core = try await api.send(.get, "/api/v1/namespaces/fx/events/fx-pod-pdb.18ea45864346a400")
        #expect(comparable(core.body) == comparable(try Fixtures.json("07-events-08-get-events.k8s.io-event-via-core-v1.resp.json")))

        let missing = try await api.send(
            .post, "/apis/events.k8s.io/v1/namespaces/fx/events",
            body: try Fixtures.text("07-events-09-create-events.k8s.io-v1-missing-eventtime-422.req.json"))
        #expect(missing.body == (try Fixtures.json("07-events-09-create-events.k8s.io-v1-missing-eventtime-422.resp.json")))
        await harness.stop()
    }
}
