import Foundation
import Kube

/// The recorded kube-apiserver 1.19 fixtures, and a JSON comparison that depends only on
/// Foundation (not on the Kube JSON code under test elsewhere).
enum ObjectFixtures {
    static let directory: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/fixtures/kube-apiserver-1.19")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(type, from: data(name))
    }

    static func names(withSuffix suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(suffix) }.sorted()
    }

    /// Decoders for every kind the typed objects model, keyed by the wire `kind`.
    static let decoders: [String: @Sendable (Data) throws -> any Encodable] = [
        "Node": { try JSONDecoder().decode(Node.self, from: $0) },
        "Lease": { try JSONDecoder().decode(Lease.self, from: $0) },
        "LeaseList": { try JSONDecoder().decode(ObjectList<Lease>.self, from: $0) },
        "Namespace": { try JSONDecoder().decode(Namespace.self, from: $0) },
        "Pod": { try JSONDecoder().decode(Pod.self, from: $0) },
        "PodList": { try JSONDecoder().decode(ObjectList<Pod>.self, from: $0) },
        "Secret": { try JSONDecoder().decode(Secret.self, from: $0) },
        "ServiceAccount": { try JSONDecoder().decode(ServiceAccount.self, from: $0) },
        "Binding": { try JSONDecoder().decode(Binding.self, from: $0) },
        "Eviction": { try JSONDecoder().decode(Eviction.self, from: $0) },
        "PodDisruptionBudget": { try JSONDecoder().decode(PodDisruptionBudget.self, from: $0) },
        "Event": { try JSONDecoder().decode(Event.self, from: $0) },
        "EventList": { try JSONDecoder().decode(ObjectList<Event>.self, from: $0) },
        "Deployment": { try JSONDecoder().decode(Deployment.self, from: $0) },
        "AdmissionReview": { try JSONDecoder().decode(AdmissionReview.self, from: $0) },
        "CustomResourceDefinition": { try JSONDecoder().decode(CustomResourceDefinition.self, from: $0) },
    ]

    /// Decodes `data` by its kind and re-encodes it; nil when the kind is not modelled.
    static func roundTrip(_ data: Data) throws -> (kind: String, encoded: Data)? {
        guard let document = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let kind = document["kind"] as? String, let decode = decoders[kind]
        else { return nil }
        return (kind, try JSONEncoder().encode(decode(data)))
    }

    /// The paths at which `encoded` is not a sub-document of `fixture`: every member it has must be
    /// in the fixture with an equal value (arrays element by element). List items may gain the
    /// apiVersion/kind the server leaves out of them. With `normalizingTimes`, a timestamp may come
    /// back in its wire form (UTC, truncated to the field's precision) rather than as written.
    static func mismatches(encoded: Data, fixture: Data, normalizingTimes: Bool = false) throws -> [String] {
        var encodedDocument = try JSONSerialization.jsonObject(with: encoded)
        let fixtureDocument = try JSONSerialization.jsonObject(with: fixture)
        if var object = encodedDocument as? [String: Any], let items = object["items"] as? [[String: Any]],
            let fixtureItems = (fixtureDocument as? [String: Any])?["items"] as? [[String: Any]],
            items.count == fixtureItems.count
        {
            object["items"] = zip(items, fixtureItems).map { item, fixtureItem in
                item.filter { key, _ in !["apiVersion", "kind"].contains(key) || fixtureItem[key] != nil }
            }
            encodedDocument = object
        }
        var found: [String] = []
        collectMismatches(encodedDocument, fixtureDocument, path: "", normalizingTimes, into: &found)
        return found
    }

    private static func collectMismatches(
        _ encoded: Any, _ fixture: Any, path: String, _ normalizingTimes: Bool, into found: inout [String]
    ) {
        switch (encoded, fixture) {
        case (let encoded as [String: Any], let fixture as [String: Any]):
            for (key, value) in encoded {
                guard let expected = fixture[key] else {
                    found.append("\(path).\(key) (not in the fixture)")
                    continue
                }
                collectMismatches(value, expected, path: "\(path).\(key)", normalizingTimes, into: &found)
            }
        case (let encoded as [Any], let fixture as [Any]):
            guard encoded.count == fixture.count else {
                found.append("\(path) (\(encoded.count) elements, fixture has \(fixture.count))")
                return
            }
            for (index, (value, expected)) in zip(encoded, fixture).enumerated() {
                collectMismatches(value, expected, path: "\(path)[\(index)]", normalizingTimes, into: &found)
            }
        case (let encoded as String, let fixture as String) where normalizingTimes:
            if encoded != fixture && !isNormalized(encoded, of: fixture) { found.append("\(path): \(encoded) ≠ \(fixture)") }
        default:
            if leaf(encoded) != leaf(fixture) { found.append("\(path): \(leaf(encoded)) ≠ \(leaf(fixture))") }
        }
    }

    /// Whether `encoded` is `written` as a Time or MicroTime field would send it: UTC, whole seconds
    /// or six fraction digits, truncated.
    private static func isNormalized(_ encoded: String, of written: String) -> Bool {
        guard let instant = MicroTime(rfc3339: written) else { return false }
        return encoded == Time(instant).rfc3339 || encoded == instant.rfc3339
    }

    /// A typed rendering of a JSON scalar (Foundation bridges booleans and numbers alike).
    private static func leaf(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let string as String: return "string \(string.debugDescription)"
        case let number as NSNumber:
            let isBoolean = String(describing: type(of: number)).contains("Boolean")
            return isBoolean ? "bool \(number.boolValue)" : "number \(number.stringValue)"
        default: return "container"
        }
    }
}
