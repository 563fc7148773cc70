import Kube
import Testing

@Suite struct StrategicMergePatchTests {
    private func apply(_ patch: String, to target: String, kind: String = "Pod") throws(StrategicMergePatchError) -> JSONValue {
        try StrategicMergePatch.apply(.json(patch), to: .json(target), kind: kind)
    }

    private func failure(_ patch: String, on target: String, kind: String = "Pod") -> StrategicMergePatchError? {
        do {
            _ = try apply(patch, to: target, kind: kind)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Fixtures recorded from kube-apiserver 1.19

    @Test func fixtureNodeReadyFalseMergesConditionsByType() throws {
        let before = try JSONTestFixtures.json("02-nodes-02-get.resp.json")
        let patch = try JSONTestFixtures.json("02-nodes-03-patch-status-smp-ready-false.req.json")
        let after = try JSONTestFixtures.json("02-nodes-03-patch-status-smp-ready-false.resp.json")
        let result = try StrategicMergePatch.apply(patch, to: before, kind: "Node")
        #expect(result.value(at: "/status/conditions") == after.value(at: "/status/conditions"))
        #expect(result.value(at: "/status/conditions/0/status") == "False")
        #expect(result["status"] == after["status"])
        #expect(result["spec"] == before["spec"])
        #expect(!result.text.contains("$setElementOrder"))
    }

    @Test func fixtureNodeReadyTrueKeepsOrder() throws {
        let before = try JSONTestFixtures.json("02-nodes-03-patch-status-smp-ready-false.resp.json")
        let patch = try JSONTestFixtures.json("02-nodes-04-patch-status-smp-ready-true.req.json")
        let after = try JSONTestFixtures.json("02-nodes-04-patch-status-smp-ready-true.resp.json")
        let result = try StrategicMergePatch.apply(patch, to: before, kind: "Node")
        // Same order: compare the serialized list, not just JSON equality.
        #expect(result.value(at: "/status/conditions")?.text == after.value(at: "/status/conditions")?.text)
        #expect(result["status"] == after["status"])
    }

    @Test func fixtureNodeTaintsAreReplacedWhole() throws {
        let before = try JSONTestFixtures.json("02-nodes-04-patch-status-smp-ready-true.resp.json")
        #expect(before.value(at: "/spec/taints")?.arrayValue?.count == 2)
        let patch = try JSONTestFixtures.json("02-nodes-08-patch-smp-taints.req.json")
        let after = try JSONTestFixtures.json("02-nodes-08-patch-smp-taints.resp.json")
        let result = try StrategicMergePatch.apply(patch, to: before, kind: "Node")
        #expect(result.value(at: "/spec/taints") == after.value(at: "/spec/taints"))
        #expect(result.value(at: "/spec/providerID") == "mock://fx-node-1")
    }

    @Test func fixturePodStatusRunning() throws {
        let before = try JSONTestFixtures.json("04-pods-02-get-after-scheduling.resp.json")
        let patch = try JSONTestFixtures.json("04-pods-03-patch-status-running-smp.req.json")
        let after = try JSONTestFixtures.json("04-pods-03-patch-status-running-smp.resp.json")
        let result = try StrategicMergePatch.apply(patch, to: before, kind: "Pod")
        #expect(result["status"] == after["status"])
        // $setElementOrder put the scheduler's PodScheduled (not in the patch) last.
        #expect(result.value(at: "/status/conditions")?.arrayValue?.map { $0["type"]!.stringValue! }
            == ["Initialized", "Ready", "ContainersReady", "PodScheduled"])
        #expect(result["spec"] == before["spec"])
        #expect(result.withoutServerFields()["metadata"] == after.withoutServerFields()["metadata"])
    }

    // MARK: Lists merged by key

    private let pod = #"""
        {"metadata":{"name":"p","finalizers":["a","b"],"ownerReferences":[{"uid":"u1","name":"rs"}]},
         "spec":{"containers":[{"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
                                "ports":[{"containerPort":80,"name":"http"}]},
                               {"name":"sidecar","image":"side:1"}],
                 "tolerations":[{"key":"k1","operator":"Exists"},{"key":"k2","operator":"Exists"}],
                 "volumes":[{"name":"v","emptyDir":{}}]},
         "status":{"conditions":[{"type":"PodScheduled","status":"True"},{"type":"Ready","status":"False"}]}}
        """#

    @Test func conditionsMergeByTypeAndForeignOnesSurvive() throws {
        let result = try apply(#"{"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"Initialized","status":"True"}]}}"#, to: pod)
        #expect(result.value(at: "/status/conditions") == .json(
            #"[{"type":"PodScheduled","status":"True"},{"type":"Ready","status":"True"},{"type":"Initialized","status":"True"}]"#))
    }

    @Test func containersMergeByNameAndNestedListsByTheirKeys() throws {
        let result = try apply(#"""
            {"spec":{"containers":[{"name":"app","image":"app:2","env":[{"name":"B","value":"3"},{"name":"C","value":"4"}],
                                    "ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443}]},
                                   {"name":"new","image":"n:1"}]}}
            """#, to: pod)
        #expect(result.value(at: "/spec/containers") == .json(#"""
            [{"name":"app","image":"app:2","env":[{"name":"A","value":"1"},{"name":"B","value":"3"},{"name":"C","value":"4"}],
              "ports":[{"containerPort":80,"name":"http","protocol":"TCP"},{"containerPort":443}]},
             {"name":"sidecar","image":"side:1"},{"name":"new","image":"n:1"}]
            """#))
    }

    @Test func tolerationsAreReplacedWhole() throws {
        let result = try apply(#"{"spec":{"tolerations":[{"key":"k3","operator":"Exists"}]}}"#, to: pod)
        #expect(result.value(at: "/spec/tolerations") == .json(#"[{"key":"k3","operator":"Exists"}]"#))
    }

    @Test func deleteDirectiveRemovesAListElement() throws {
        let result = try apply(#"{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}"#, to: pod)
        #expect(result.value(at: "/spec/containers")?.arrayValue?.map { $0["name"] } == ["app"])
        #expect(!result.text.contains("$patch"))
    }

    @Test func replaceDirectiveInAListAndOnAMap() throws {
        let list = try apply(#"{"spec":{"containers":[{"name":"only","image":"o:1"},{"$patch":"replace"}]}}"#, to: pod)
        #expect(list.value(at: "/spec/containers") == .json(#"[{"name":"only","image":"o:1"}]"#))
        let map = try apply(#"{"spec":{"$patch":"replace","containers":[{"name":"x","image":"x"}]}}"#, to: pod)
        #expect(map["spec"] == .json(#"{"containers":[{"name":"x","image":"x"}]}"#))
        let merge = try apply(#"{"metadata":{"$patch":"merge","labels":{"a":"b"}}}"#, to: pod)
        #expect(merge.value(at: "/metadata/labels/a") == "b" && merge.value(at: "/metadata/name") == "p")
    }

    @Test func deleteDirectiveOnAMapRemovesIt() throws {
        let result = try apply(#"{"spec":{"volumes":[{"name":"v","emptyDir":{"$patch":"delete"}}]}}"#, to: pod)
        #expect(result.value(at: "/spec/volumes") == .json(#"[{"name":"v"}]"#))
        #expect(try apply(#"{"$patch":"delete"}"#, to: pod) == [:])
    }

    @Test func setElementOrderReordersMergedLists() throws {
        let result = try apply(#"""
            {"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"new"},{"name":"app"}],
                     "containers":[{"name":"new","image":"n"}]}}
            """#, to: pod)
        #expect(result.value(at: "/spec/containers")?.arrayValue?.map { $0["name"] } == ["sidecar", "new", "app"])
        // Order alone, without a list in the patch; elements not named keep their relative place.
        let reordered = try apply(#"{"metadata":{"$setElementOrder/finalizers":["b"]}}"#, to: pod)
        #expect(reordered.value(at: "/metadata/finalizers") == ["a", "b"])
        let swapped = try apply(#"{"metadata":{"$setElementOrder/finalizers":["b","a"]}}"#, to: pod)
        #expect(swapped.value(at: "/metadata/finalizers") == ["b", "a"])
        #expect(!result.text.contains("$setElementOrder"))
    }

    @Test func retainKeysDropsOtherKeys() throws {
        let result = try apply(#"""
            {"spec":{"volumes":[{"name":"v","$retainKeys":["name","hostPath"],"hostPath":{"path":"/data"}}]}}
            """#, to: pod)
        #expect(result.value(at: "/spec/volumes") == .json(#"[{"name":"v","hostPath":{"path":"/data"}}]"#))
        #expect(failure(#"{"spec":{"$retainKeys":"name"}}"#, on: pod) != nil)
    }

    @Test func finalizersMergeAsASetAndDeleteFromPrimitiveList() throws {
        let merged = try apply(#"{"metadata":{"finalizers":["b","c"]}}"#, to: pod)
        #expect(merged.value(at: "/metadata/finalizers") == ["a", "b", "c"])
        let deleted = try apply(#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"],"finalizers":["d"]}}"#, to: pod)
        #expect(deleted.value(at: "/metadata/finalizers") == ["b", "d"])
        #expect(!deleted.text.contains("$deleteFromPrimitiveList"))
    }

    @Test func ownerReferencesMergeByUID() throws {
        let result = try apply(#"{"metadata":{"ownerReferences":[{"uid":"u1","controller":true},{"uid":"u2","name":"other"}]}}"#, to: pod)
        #expect(result.value(at: "/metadata/ownerReferences") == .json(
            #"[{"uid":"u1","name":"rs","controller":true},{"uid":"u2","name":"other"}]"#))
    }

    @Test func nullDeletesAndAddedValuesKeepTheirNulls() throws {
        let result = try apply(#"{"metadata":{"name":null,"labels":{"x":null}},"spec":{"containers":[{"name":"n","args":null}]}}"#, to: pod)
        #expect(result.value(at: "/metadata/name") == nil)
        #expect(result.value(at: "/metadata/labels") == .json(#"{"x":null}"#))
        #expect(result.value(at: "/spec/containers/2") == .json(#"{"name":"n","args":null}"#))
    }

    @Test func workloadsUseThePodTemplateSchema() throws {
        let deployment = #"""
            {"spec":{"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"c:1"},{"name":"d","image":"d:1"}]}}},
             "status":{"conditions":[{"type":"Available","status":"True"}]}}
            """#
        let patch = #"{"spec":{"template":{"spec":{"containers":[{"name":"d","image":"d:2"}]}}},"status":{"conditions":[{"type":"Progressing","status":"True"}]}}"#
        for kind in ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"] {
            let result = try apply(patch, to: deployment, kind: kind)
            #expect(result.value(at: "/spec/template/spec/containers") == .json(#"[{"name":"c","image":"c:1"},{"name":"d","image":"d:2"}]"#), "\(kind)")
            #expect(result.value(at: "/status/conditions")?.arrayValue?.count == 2, "\(kind)")
        }
    }

    @Test func serviceNodeAndNamespaceLists() throws {
        let service = try apply(#"{"spec":{"ports":[{"port":443,"targetPort":8443}]}}"#, to: #"{"spec":{"ports":[{"port":80},{"port":443}]}}"#, kind: "Service")
        #expect(service.value(at: "/spec/ports") == .json(#"[{"port":80},{"port":443,"targetPort":8443}]"#))
        let node = try apply(#"{"status":{"addresses":[{"type":"Hostname","address":"h2"}]}}"#,
                             to: #"{"status":{"addresses":[{"type":"InternalIP","address":"1.2.3.4"},{"type":"Hostname","address":"h"}]}}"#, kind: "Node")
        #expect(node.value(at: "/status/addresses") == .json(#"[{"type":"InternalIP","address":"1.2.3.4"},{"type":"Hostname","address":"h2"}]"#))
        let namespace = try apply(#"{"spec":{"finalizers":["kubernetes","x"]}}"#, to: #"{"spec":{"finalizers":["kubernetes"]}}"#, kind: "Namespace")
        #expect(namespace.value(at: "/spec/finalizers") == ["kubernetes", "x"])
        let event = try apply(#"{"count":2,"metadata":{"finalizers":["f"]}}"#, to: #"{"count":1,"metadata":{"finalizers":["e"]}}"#, kind: "Event")
        #expect(event == .json(#"{"count":2,"metadata":{"finalizers":["e","f"]}}"#))
    }

    @Test func unknownKindsFallBackToMergePatch() throws {
        #expect(!StrategicMergePatch.hasSchema(for: "FxWidget") && StrategicMergePatch.hasSchema(for: "Pod"))
        let result = try apply(#"{"spec":{"containers":[{"name":"x"}]},"a":null}"#, to: #"{"spec":{"containers":[{"name":"y"}]},"a":1}"#, kind: "FxWidget")
        #expect(result == .json(#"{"spec":{"containers":[{"name":"x"}]}}"#))
    }

    @Test func errors() {
        #expect(failure(#"{"spec":{"$patch":"frobnicate"}}"#, on: pod)?.description.contains("frobnicate") == true)
        #expect(failure(#"{"spec":{"containers":[{"name":"app","$patch":"nope"}]}}"#, on: pod) != nil)
        #expect(failure(#"{"spec":{"containers":[{"name":"app","$patch":"delete"},{"image":"no-name"}]}}"#, on: pod)?.path == "/spec/containers/1")
        #expect(failure(#"{"spec":{"containers":["app"]}}"#, on: pod) != nil)
        #expect(failure(#"{"spec":{"$setElementOrder/containers":"x"}}"#, on: pod) != nil)
        #expect(failure(#"{"spec":{"$unknownDirective":1}}"#, on: pod) != nil)
        #expect(failure("[1]", on: pod) != nil)
    }
}
