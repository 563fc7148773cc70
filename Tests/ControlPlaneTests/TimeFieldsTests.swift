@testable import ControlPlane
import Kube
import Testing

@Suite struct TimeFieldsTests {
    static let pods = ResourceType(group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true)

    /// Fractions and offsets go, at any depth; whole-second UTC times, other strings and malformed
    /// times stay as written.
    @Test func timesAreTruncatedToTheSecondInUTC() throws {
        var pod: JSONValue = [
            "metadata": ["creationTimestamp": "2026-11-22T05:02:20.123456Z", "name": "2026-11-22T05:02:20.5Z"],
            "status": [
                "startTime": "2026-11-22T06:02:20+01:00",
                "conditions": [["type": "Ready", "lastTransitionTime": "2026-11-22T05:02:21Z"], ["lastProbeTime": .null]],
                "containerStatuses": [["state": ["running": ["startedAt": "2026-11-22T05:02:22.999Z"]]]],
                "message": "2026-11-22T05:02:20.9Z",
            ],
            "spec": ["nodeName": "n", "startTime": "not a time"],
        ]
        try TimeFields.normalize(&pod, Self.pods)
        #expect(pod["metadata"]?["creationTimestamp"] == "2026-11-22T05:02:20Z")
        #expect(pod["metadata"]?["name"] == "2026-11-22T05:02:20.5Z")
        #expect(pod["status"]?["startTime"] == "2026-11-22T05:02:20Z")
        #expect(pod["status"]?["conditions"]?[0]?["lastTransitionTime"] == "2026-11-22T05:02:21Z")
        #expect(pod["status"]?["conditions"]?[1]?["lastProbeTime"] == .null)
        #expect(pod["status"]?["containerStatuses"]?[0]?["state"]?["running"]?["startedAt"] == "2026-11-22T05:02:22Z")
        #expect(pod["status"]?["message"] == "2026-11-22T05:02:20.9Z")
        #expect(pod["spec"]?["startTime"] == "not a time")
        let unchanged = pod
        try TimeFields.normalize(&pod, Self.pods)
        #expect(pod == unchanged)
    }
}
