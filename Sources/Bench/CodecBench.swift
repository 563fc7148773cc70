import Foundation
import Kube

// `node-agent-bench codec [--iterations N]`: what one Pod costs to encode and decode each way the
// agent and the control plane do it, in microseconds per pod.

let podJSON = """
{"kind":"Pod","apiVersion":"v1","metadata":{"name":"bench-1","namespace":"node-agent-bench","uid":"51bb7164-d54b-404d-8759-335a1ee4bb18",\
"resourceVersion":"720","creationTimestamp":"2026-11-22T05:02:20Z","labels":{"app":"bench","pod-template-hash":"5d8f7c9b4"},\
"annotations":{"node-agent.io/run-seconds":"30"}},"spec":{"volumes":[{"name":"token","secret":{"secretName":"token","defaultMode":420}}],\
"containers":[{"name":"c","image":"busybox","command":["sleep","3600"],"resources":{"requests":{"cpu":"100m","memory":"64Mi"}},\
"volumeMounts":[{"name":"token","readOnly":true,"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}],\
"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"Always"}],\
"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","nodeName":"bench-7","serviceAccountName":"default",\
"securityContext":{},"schedulerName":"default-scheduler","tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists",\
"effect":"NoExecute","tolerationSeconds":300}],"priority":0,"enableServiceLinks":true},"status":{"phase":"Running",\
"conditions":[{"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-11-22T05:02:20Z"},\
{"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-11-22T05:02:21Z"},\
{"type":"ContainersReady","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-11-22T05:02:21Z"},\
{"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-11-22T05:02:20Z"}],\
"hostIP":"127.0.0.1","podIP":"10.0.7.12","podIPs":[{"ip":"10.0.7.12"}],"startTime":"2026-11-22T05:02:20Z",\
"containerStatuses":[{"name":"c","state":{"running":{"startedAt":"2026-11-22T05:02:21Z"}},"lastState":{},"ready":true,\
"restartCount":0,"image":"busybox:latest","imageID":"docker-pullable://busybox@sha256:0f354ec1728d9ff32edcd7d1b8bbdfc798277ad36120dc3dc683be44524c8b60",\
"containerID":"containerd://4b1f0a5e","started":true}],"qosClass":"Burstable"}}
"""

@MainActor
func codecBench(_ options: [String: String]) {
    let iterations = integer(options, "iterations", default: 20_000)
    let bytes = Array(podJSON.utf8)
    let pod: Pod
    let value: JSONValue
    do {
        pod = try JSONDecoder().decode(Pod.self, from: Data(bytes))
        value = try JSONValue(parsing: bytes)
    } catch {
        fail("the sample pod does not decode: \(error)")
    }

    func measure(_ name: String, _ body: () throws -> Void) {
        let clock = ContinuousClock()
        let started = clock.now
        do { for _ in 0..<iterations { try body() } } catch { fail("\(name): \(error)") }
        let elapsed = clock.now - started
        emit("\(name)_us=\(String(format: "%.1f", elapsed / .microseconds(1) / Double(iterations)))")
    }

    let encoder = JSONEncoder()
    measure("foundation_encode") { _ = try encoder.encode(pod) }
    measure("value_encode") { _ = try JSONValueEncoder().encode(pod) }
    measure("value_encode_serialize") { _ = try JSONValueEncoder().encode(pod).serialized() }
    measure("serialize") { _ = value.serialized() }
    measure("foundation_decode") { _ = try JSONDecoder().decode(Pod.self, from: Data(bytes)) }
    measure("parse") { _ = try JSONValue(parsing: bytes) }
    measure("value_decode") { _ = try JSONValueDecoder().decode(Pod.self, from: value) }
    measure("parse_value_decode") { _ = try JSONValueDecoder().decode(Pod.self, from: try JSONValue(parsing: bytes)) }
    measure("status_equal") { if pod.status != pod.status { fail("unequal") } }
}
