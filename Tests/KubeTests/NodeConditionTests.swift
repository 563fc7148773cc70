import Foundation
import Kube
import Testing

@Suite struct NodeConditionTests {
    /// Read from parsed JSON, every recorded node's conditions come out as Codable decodes them.
    @Test func conditionsReadFromJSONMatchCodable() throws {
        var checked = 0
        for name in try ObjectFixtures.names(withSuffix: ".resp.json") {
            let data = try ObjectFixtures.data(name)
            guard let node = try? JSONDecoder().decode(Node.self, from: data), node.kind == "Node",
                  let expected = node.status?.conditions, !expected.isEmpty
            else { continue }
            let items = try #require(try JSONValue(parsing: Array(data))["status"]?["conditions"]?.arrayValue)
            #expect(items.map { NodeCondition(json: $0) } == expected, "\(name)")
            checked += 1
        }
        #expect(checked > 0)
    }

    /// Nil wherever Codable would throw; missing and null members are nil fields.
    @Test func malformedConditionsAreNil() throws {
        let sparse = try JSONValue(parsing: Array(#"{"type":"Ready","status":null}"#.utf8))
        #expect(NodeCondition(json: sparse) == NodeCondition(type: "Ready"))
        let time = Time(seconds: 1_700_000_000)
        let timed = try JSONValue(parsing: Array(#"{"type":"Ready","lastTransitionTime":"\#(time.rfc3339)"}"#.utf8))
        #expect(NodeCondition(json: timed) == NodeCondition(type: "Ready", lastTransitionTime: time))
        for text in [#"{"type":1}"#, #"{"status":true}"#, #"{"lastHeartbeatTime":"yesterday"}"#, #"{"message":[]}"#, #""Ready""#] {
            #expect(NodeCondition(json: try JSONValue(parsing: Array(text.utf8))) == nil, "\(text)")
            #expect((try? JSONDecoder().decode(NodeCondition.self, from: Data(text.utf8))) == nil, "\(text)")
        }
    }
}
