import ControlPlane
import Foundation
import Kube
import Loop
import Testing

@Suite(.timeLimit(.minutes(2))) @LoopActor struct KubectlCustomResourceTests {
    static let definition = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names:
            plural: widgets
            singular: widget
            kind: Widget
            shortNames: [wd]
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
            additionalPrinterColumns:
            - name: Size
              type: integer
              jsonPath: .spec.size
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [size]
                    properties:
                      size:
                        type: integer
                        minimum: 1
                      color:
                        type: string
                  status:
                    type: object
                    properties:
                      phase:
                        type: string

        """

    @Test func applyADefinitionThenItsResources() async throws {
        let harness = try Harness()
        let defined = try await harness.kubectl(["apply", "-f", try harness.file("crd.yaml", Self.definition)])
        #expect(defined.stdout == "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n", "\(defined)")
        let established = try await harness.kubectl([
            "wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=60s",
        ])
        #expect(established.status == 0, "\(established)")

        // The CRD's schema is what `kubectl explain` reads.
        let explain = try await harness.kubectl(["explain", "widgets.spec.size"])
        #expect(explain.status == 0 && explain.stdout.contains("FIELD: size <integer>"), "\(explain)")

        let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n  color: blue\n  extra: pruned\nstatus:\n  phase: ignored\n"
        let created = try await harness.kubectl(["apply", "-f", try harness.file("w1.yaml", widget)])
        #expect(created.stdout == "widget.example.com/w1 created\n", "\(created)")
        let table = try await harness.kubectl(["get", "wd"])
        #expect(table.stdout.hasPrefix("NAME   SIZE   AGE\nw1     3      "), "\(table)")
        let json = try await harness.kubectl(["get", "widget", "w1", "-o", "json"])
        let object = try JSONValue(parsing: json.stdout)
        #expect(object["spec"] == ["color": "blue", "size": 3])
        #expect(object["status"] == nil)
        #expect(object["metadata"]?["generation"] == 1)

        let merged = try await harness.kubectl(["patch", "widget", "w1", "--type=merge", "-p", #"{"spec":{"size":5}}"#])
        #expect(merged.status == 0, "\(merged)")
        let generation = try await harness.kubectl(["get", "widget", "w1", "-o", "jsonpath={.metadata.generation} {.spec.size}"])
        #expect(generation.stdout == "2 5", "\(generation)")
        let strategic = try await harness.kubectl(["patch", "widget", "w1", "--type=strategic", "-p", #"{"spec":{"size":6}}"#])
        #expect(strategic.status != 0)
        #expect(strategic.stderr.contains("415"), "\(strategic)")

        let invalid = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w2\nspec:\n  size: 0\n"
        let rejected = try await harness.kubectl(["apply", "-f", try harness.file("w2.yaml", invalid)])
        #expect(rejected.stderr == "The Widget \"w2\" is invalid: spec.size: Invalid value: 1: spec.size in body should be greater than or equal to 1\n", "\(rejected)")

        let deleted = try await harness.kubectl(["delete", "crd", "widgets.example.com"])
        #expect(deleted.status == 0, "\(deleted)")
        let gone = try await harness.kubectl(["get", "widgets"])
        #expect(gone.status != 0, "\(gone)")
        await harness.stop()
    }
}
