import Foundation
import Kube
import Testing

private func encodedObject<T: Encodable>(_ value: T) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any])
}

private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
    try JSONDecoder().decode(type, from: Data(json.utf8))
}

@Suite struct ObjectEncodingTests {
    @Test func builtObjectsWriteTheirEnvelopeAndOmitNils() throws {
        var pod = Pod(metadata: ObjectMeta(name: "p", namespace: "ns"))
        pod.spec = PodSpec(containers: [Container(name: "c", image: "busybox")])
        let json = try encodedObject(pod)
        #expect(json["apiVersion"] as? String == "v1" && json["kind"] as? String == "Pod")
        #expect(Set(json.keys) == ["apiVersion", "kind", "metadata", "spec"])
        #expect(json["metadata"] as? [String: String] == ["name": "p", "namespace": "ns"])

        let lease = try encodedObject(Lease())
        #expect(lease["apiVersion"] as? String == "coordination.k8s.io/v1" && lease["kind"] as? String == "Lease")
        let crd = try encodedObject(CustomResourceDefinition())
        #expect(crd["apiVersion"] as? String == "apiextensions.k8s.io/v1")
        let review = try encodedObject(TokenReview(token: "t"))
        #expect(review["apiVersion"] as? String == "authentication.k8s.io/v1")
        #expect((review["spec"] as? [String: Any])?["token"] as? String == "t")
        let list = try encodedObject(ObjectList<Node>(items: [Node(metadata: ObjectMeta(name: "n"))]))
        #expect(list["kind"] as? String == "NodeList" && list["apiVersion"] as? String == "v1")
    }

    @Test func receivedEnvelopeIsKept() throws {
        let pdb = try decode(PodDisruptionBudget.self, #"{"apiVersion":"policy/v1beta1","kind":"PodDisruptionBudget"}"#)
        #expect(try encodedObject(pdb)["apiVersion"] as? String == "policy/v1beta1")
    }

    @Test func partialObjectsDecode() throws {
        let pod = try decode(Pod.self, #"{"spec":{"containers":[{}]}}"#)
        #expect(pod.metadata == ObjectMeta() && pod.spec?.containers == [Container()])
        let node = try decode(Node.self, "{}")
        #expect(node.spec == nil && node.status == nil)
        #expect(try decode(Event.self, #"{"count":3}"#).count == 3)
        #expect(try decode(ObjectList<Pod>.self, #"{"items":null}"#).items.isEmpty)
    }

    @Test func daemonEndpointUsesCapitalPort() throws {
        let endpoints = NodeDaemonEndpoints(kubeletEndpoint: DaemonEndpoint(port: 10250))
        let json = try encodedObject(endpoints)
        #expect((json["kubeletEndpoint"] as? [String: Int]) == ["Port": 10250])
    }

    @Test func unknownVolumeSourcesSurvive() throws {
        let json = #"""
            {"volumes":[
              {"name":"a","hostPath":{"path":"/var/log","type":"Directory"}},
              {"name":"b","emptyDir":{"medium":"Memory","sizeLimit":"64Mi"}},
              {"name":"c","projected":{"sources":[{"serviceAccountToken":{"path":"token","expirationSeconds":3607}}]}},
              {"name":"d","csi":{"driver":"x.example.com","readOnly":true}}
            ]}
            """#
        let spec = try decode(PodSpec.self, json)
        let volumes = try #require(spec.volumes)
        #expect(volumes[0].hostPath == HostPathVolumeSource(path: "/var/log", type: "Directory"))
        #expect(volumes[1].emptyDir?.sizeLimit == "64Mi" && volumes[1].emptyDir?.medium == "Memory")
        #expect(volumes[2].otherSources.keys == ["projected"] && volumes[2].hostPath == nil)
        #expect(volumes[3].otherSources["csi"]?["driver"] == .string("x.example.com"))
        let reencoded = try JSONEncoder().encode(spec)
        let mismatches = try ObjectFixtures.mismatches(encoded: reencoded, fixture: Data(json.utf8))
        #expect(mismatches.isEmpty, "\(mismatches)")
        #expect(try JSONDecoder().decode(PodSpec.self, from: reencoded) == spec)
    }

    @Test func intOrStringFields() throws {
        let port = try decode(ServicePort.self, #"{"port":80,"targetPort":"http"}"#)
        #expect(port.targetPort == .string("http"))
        let numeric = try decode(ServicePort.self, #"{"port":80,"targetPort":8080}"#)
        #expect(numeric.targetPort == .integer(8080))
    }
}

@Suite struct ObjectSelectorTests {
    let labels = ["app": "web", "tier": "frontend", "zone": "3"]

    @Test func matchLabels() {
        #expect(LabelSelector().matches(labels: labels))
        #expect(LabelSelector(matchLabels: [:]).matches(labels: [:]))
        #expect(LabelSelector(matchLabels: ["app": "web"]).matches(labels: labels))
        #expect(!LabelSelector(matchLabels: ["app": "db"]).matches(labels: labels))
        #expect(!LabelSelector(matchLabels: ["app": "web", "missing": "x"]).matches(labels: labels))
    }

    @Test func matchExpressions() {
        func matches(_ requirement: LabelSelectorRequirement) -> Bool {
            LabelSelector(matchExpressions: [requirement]).matches(labels: labels)
        }
        #expect(matches(.init(key: "app", operator: .in, values: ["web", "api"])))
        #expect(!matches(.init(key: "app", operator: .in, values: ["api"])))
        #expect(!matches(.init(key: "missing", operator: .in, values: ["x"])))
        #expect(matches(.init(key: "app", operator: .notIn, values: ["db"])))
        #expect(matches(.init(key: "missing", operator: .notIn, values: ["db"])))  // absent keys satisfy NotIn
        #expect(!matches(.init(key: "app", operator: .notIn, values: ["web"])))
        #expect(matches(.init(key: "tier", operator: .exists)))
        #expect(!matches(.init(key: "missing", operator: .exists)))
        #expect(matches(.init(key: "missing", operator: .doesNotExist)))
        #expect(!matches(.init(key: "app", operator: .doesNotExist)))
        // Invalid requirements match nothing, as Kubernetes rejects the selector.
        #expect(!matches(.init(key: "app", operator: .in, values: [])))
        #expect(!matches(.init(key: "app", operator: .exists, values: ["web"])))
        #expect(!matches(.init(key: "zone", operator: .greaterThan, values: ["1"])))
        #expect(!matches(.init(key: "app", operator: "Like", values: ["web"])))
        #expect(!matches(.init(operator: .exists)))
        // All requirements and labels must hold together.
        let both = LabelSelector(
            matchLabels: ["app": "web"], matchExpressions: [.init(key: "tier", operator: .in, values: ["backend"])])
        #expect(!both.matches(labels: labels))
    }

    @Test func selectorDecodesOperators() throws {
        let selector = try decode(
            LabelSelector.self,
            #"{"matchExpressions":[{"key":"tier","operator":"In","values":["frontend"]},{"key":"x","operator":"DoesNotExist"}]}"#)
        #expect(selector.matchExpressions?.map(\.operator) == [.in, .doesNotExist])
        #expect(selector.matches(labels: labels))
    }

    @Test func nodeSelectorTerms() {
        let gt = NodeSelectorRequirement(key: "zone", operator: .greaterThan, values: ["2"])
        let lt = NodeSelectorRequirement(key: "zone", operator: .lessThan, values: ["2"])
        let name = NodeSelectorRequirement(key: "metadata.name", operator: .in, values: ["node-a"])
        #expect(NodeSelectorTerm(matchExpressions: [gt]).matches(labels: labels, nodeName: "n"))
        #expect(!NodeSelectorTerm(matchExpressions: [lt]).matches(labels: labels, nodeName: "n"))
        #expect(!NodeSelectorTerm(matchExpressions: [.init(key: "app", operator: .greaterThan, values: ["1"])])
            .matches(labels: labels, nodeName: "n"))  // not an integer
        #expect(NodeSelectorTerm(matchFields: [name]).matches(labels: labels, nodeName: "node-a"))
        #expect(!NodeSelectorTerm(matchFields: [name]).matches(labels: labels, nodeName: "node-b"))
        #expect(!NodeSelectorTerm().matches(labels: labels, nodeName: "n"))  // an empty term matches nothing
        let selector = NodeSelector(nodeSelectorTerms: [NodeSelectorTerm(matchExpressions: [lt]), NodeSelectorTerm(matchFields: [name])])
        #expect(selector.matches(labels: labels, nodeName: "node-a"))  // terms are ORed
        #expect(!selector.matches(labels: labels, nodeName: "node-b"))
    }

    @Test func affinityDecodes() throws {
        let affinity = try decode(
            Affinity.self,
            #"""
            {"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
              {"matchExpressions":[{"key":"type","operator":"In","values":["virtual-kubelet"]}]}]},
             "preferredDuringSchedulingIgnoredDuringExecution":[{"weight":10,"preference":
              {"matchExpressions":[{"key":"zone","operator":"Lt","values":["5"]}]}}]},
             "podAntiAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[]}}
            """#)
        let required = try #require(affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution)
        #expect(required.matches(labels: ["type": "virtual-kubelet"], nodeName: "n"))
        #expect(affinity.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.first?.weight == 10)
        #expect(affinity.podAntiAffinity != nil && affinity.podAffinity == nil)
    }

    @Test func tolerations() {
        let taint = Taint(key: "virtual-kubelet.io/provider", value: "mock", effect: "NoSchedule")
        #expect(Toleration(key: "virtual-kubelet.io/provider", operator: "Exists").tolerates(taint))
        #expect(Toleration(key: "virtual-kubelet.io/provider", value: "mock", effect: "NoSchedule").tolerates(taint))
        #expect(!Toleration(key: "virtual-kubelet.io/provider", value: "other").tolerates(taint))
        #expect(!Toleration(key: "virtual-kubelet.io/provider", operator: "Exists", effect: "NoExecute").tolerates(taint))
        #expect(Toleration(operator: "Exists").tolerates(taint))  // empty key + Exists tolerates everything
        #expect(!Toleration(key: "other", operator: "Exists").tolerates(taint))
    }
}
