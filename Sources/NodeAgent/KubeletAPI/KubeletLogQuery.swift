import HTTP
import Kube

/// A `/containerLogs` query option the kubelet would refuse; the message is the 400's body.
struct KubeletBadRequest: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}

extension LogOptions {
    /// Reads `/containerLogs` query options: `tailLines` (≥ 0), `limitBytes` (≥ 1), `sinceSeconds`
    /// (≥ 1) or `sinceTime` (RFC 3339, turned into whole seconds before `now`, rounded up), and the
    /// flags `follow`, `timestamps`, `previous`. An empty value counts as absent for numbers and as
    /// true for flags (`?follow`).
    init(query: QueryParameters, now: Time) throws(KubeletBadRequest) {
        self.init()
        tailLines = try Self.integer(query, "tailLines", minimum: 0)
        limitBytes = try Self.integer(query, "limitBytes", minimum: 1)
        sinceSeconds = try Self.integer(query, "sinceSeconds", minimum: 1)
        follow = try Self.flag(query, "follow")
        timestamps = try Self.flag(query, "timestamps")
        previous = try Self.flag(query, "previous")
        if let text = query["sinceTime"], !text.isEmpty {
            guard sinceSeconds == nil else {
                throw KubeletBadRequest("at most one of sinceTime and sinceSeconds may be given")
            }
            guard let since = Time(rfc3339: text) else {
                throw KubeletBadRequest("sinceTime: \(String(reflecting: text)) is not an RFC 3339 time")
            }
            // A time in the future asks for nothing written yet: 0 seconds back.
            let elapsed = now - since
            let (seconds, attoseconds) = elapsed.components
            sinceSeconds = elapsed <= .zero ? 0 : Int(seconds) + (attoseconds > 0 ? 1 : 0)
        }
    }

    private static func integer(_ query: QueryParameters, _ name: String, minimum: Int) throws(KubeletBadRequest) -> Int? {
        guard let text = query[name], !text.isEmpty else { return nil }
        guard let value = Int(text) else { throw KubeletBadRequest("\(name): \(String(reflecting: text)) is not an integer") }
        guard value >= minimum else { throw KubeletBadRequest("\(name): \(value) must be at least \(minimum)") }
        return value
    }

    /// What Go's `strconv.ParseBool` accepts, and the empty value.
    private static func flag(_ query: QueryParameters, _ name: String) throws(KubeletBadRequest) -> Bool {
        guard let text = query[name] else { return false }
        switch text {
        case "", "1", "t", "T", "true", "TRUE", "True": return true
        case "0", "f", "F", "false", "FALSE", "False": return false
        default: throw KubeletBadRequest("\(name): \(String(reflecting: text)) is not a boolean")
        }
    }
}
