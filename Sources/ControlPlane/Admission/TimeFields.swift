import Kube

/// How 1.19 stores timestamps: metav1.Time fields lose their fraction and are kept in UTC;
/// MicroTime fields (leases, events.k8s.io eventTime) must carry exactly six fractional digits.
enum TimeFields {
    static let timeKeys: Set<String> = [
        "creationTimestamp", "deletionTimestamp", "lastHeartbeatTime", "lastTransitionTime", "lastProbeTime", "startTime",
        "startedAt", "finishedAt", "firstTimestamp", "lastTimestamp", "lastUpdateTime", "completionTime", "timeAdded",
    ]

    /// The MicroTime fields of a kind, as paths.
    static let microTimePaths: [String: [[String]]] = [
        "Lease": [["spec", "renewTime"], ["spec", "acquireTime"]],
        "Event": [["eventTime"]],
    ]

    static func normalize(_ object: inout JSONValue, _ type: ResourceType) throws(APIError) {
        guard !type.isCustom else { return }
        for path in microTimePaths[type.kind] ?? [] {
            guard let text = object.value(at: path)?.stringValue else { continue }
            guard let normalized = strictMicroTime(text) else {
                // Go's decoder names each level: `v1.Lease.Spec: v1.LeaseSpec.RenewTime`.
                let fields = path.map { $0.prefix(1).uppercased() + $0.dropFirst() }
                var owner = type.kind
                var levels: [String] = []
                for field in fields {
                    levels.append("v1.\(owner).\(field)")
                    owner += field
                }
                let rest = text.count > 19 ? String(text.dropFirst(19)) : ""
                throw APIError.badRequest(
                    "\(type.kind) in version \"\(type.version)\" cannot be handled as a \(type.kind): \(levels.joined(separator: ": ")): unmarshalerDecoder: parsing time \"\(text)\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"\(rest)\" as \".000000\"")
            }
            object.set(.string(normalized), at: path)
        }
        if let truncated = truncated(object) { object = truncated }
    }

    /// The value with its Time fields truncated, or nil when none needed it: most writes carry only
    /// whole-second UTC times, and then nothing is rebuilt.
    private static func truncated(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .object(let members):
            var changed: JSONObject?
            for (key, member) in members {
                let replacement: JSONValue?
                switch member {
                // The shortest time is 20 bytes: shorter strings skip hashing their key.
                case .string(let text) where text.utf8.count >= 20 && timeKeys.contains(key):
                    replacement = isWholeSecondUTC(text) ? nil : Time(rfc3339: text).map { .string($0.rfc3339) }
                case .object, .array:
                    replacement = truncated(member)
                default:
                    replacement = nil
                }
                if let replacement {
                    if changed == nil { changed = members }
                    changed![key] = replacement
                }
            }
            return changed.map { .object($0) }
        case .array(let items):
            var changed: [JSONValue]?
            for (index, item) in items.enumerated() {
                guard let replacement = truncated(item) else { continue }
                if changed == nil { changed = items }
                changed![index] = replacement
            }
            return changed.map { .array($0) }
        default:
            return nil
        }
    }

    /// `2006-01-02T15:04:05Z` in form: stored as it is (a valid one formats back the same; an
    /// invalid one does not parse, and is left alone either way).
    private static func isWholeSecondUTC(_ text: String) -> Bool {
        guard text.utf8.count == 20 else { return false }
        for (index, byte) in text.utf8.enumerated() {
            let expected: UInt8? = switch index {
            case 4, 7: UInt8(ascii: "-")
            case 10: UInt8(ascii: "T")
            case 13, 16: UInt8(ascii: ":")
            case 19: UInt8(ascii: "Z")
            default: nil
            }
            if let expected { guard byte == expected else { return false } } else { guard byte >= 48 && byte <= 57 else { return false } }
        }
        return true
    }

    /// `2006-01-02T15:04:05.000000Z07:00` exactly, returned in UTC.
    static func strictMicroTime(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 27, bytes[19] == UInt8(ascii: "."),
            bytes[20..<26].allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { return nil }
        let zone = bytes[26...]
        guard zone.elementsEqual("Z".utf8) || (zone.count == 6 && (zone.first == UInt8(ascii: "+") || zone.first == UInt8(ascii: "-"))),
            let time = MicroTime(rfc3339: text)
        else { return nil }
        return time.rfc3339
    }
}
