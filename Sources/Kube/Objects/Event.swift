/// Core `v1.Event`, as kubelets record them. (`events.k8s.io/v1` events read through core v1 map
/// onto the same fields; its `apiVersion` is kept as received.)
public struct Event: TypedObject, Equatable {
    public static let resource = APIResource(group: "", version: "v1", resource: "events", kind: "Event", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata = ObjectMeta()
    public var involvedObject: ObjectReference?
    public var reason: String?
    public var message: String?
    public var source: EventSource?
    public var firstTimestamp: Time?
    public var lastTimestamp: Time?
    public var count: Int?
    /// `Normal` or `Warning`.
    public var type: String?
    /// Set by the events.k8s.io API; the 1.19 server insists on six fraction digits.
    public var eventTime: MicroTime?
    public var series: JSONValue?
    public var action: String?
    public var related: ObjectReference?
    public var reportingComponent: String?
    public var reportingInstance: String?

    public init() {}

    public init(
        metadata: ObjectMeta, involvedObject: ObjectReference? = nil, reason: String? = nil, message: String? = nil,
        type: String? = nil, source: EventSource? = nil
    ) {
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.reason = reason
        self.message = message
        self.type = type
        self.source = source
    }

    enum CodingKeys: String, TypedObjectKey {
        case apiVersion, kind, metadata, involvedObject, reason, message, source, firstTimestamp, lastTimestamp
        case count, type, eventTime, series, action, related, reportingComponent, reportingInstance
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        (apiVersion, kind, metadata) = try container.decodeEnvelope()
        involvedObject = try container.decodeIfPresent(ObjectReference.self, forKey: .involvedObject)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        source = try container.decodeIfPresent(EventSource.self, forKey: .source)
        firstTimestamp = try container.decodeIfPresent(Time.self, forKey: .firstTimestamp)
        lastTimestamp = try container.decodeIfPresent(Time.self, forKey: .lastTimestamp)
        count = try container.decodeIfPresent(Int.self, forKey: .count)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        eventTime = try container.decodeIfPresent(MicroTime.self, forKey: .eventTime)
        series = try container.decodeIfPresent(JSONValue.self, forKey: .series)
        action = try container.decodeIfPresent(String.self, forKey: .action)
        related = try container.decodeIfPresent(ObjectReference.self, forKey: .related)
        reportingComponent = try container.decodeIfPresent(String.self, forKey: .reportingComponent)
        reportingInstance = try container.decodeIfPresent(String.self, forKey: .reportingInstance)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeEnvelope(of: self)
        try container.encodeIfPresent(involvedObject, forKey: .involvedObject)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(message, forKey: .message)
        try container.encodeIfPresent(source, forKey: .source)
        try container.encodeIfPresent(firstTimestamp, forKey: .firstTimestamp)
        try container.encodeIfPresent(lastTimestamp, forKey: .lastTimestamp)
        try container.encodeIfPresent(count, forKey: .count)
        try container.encodeIfPresent(type, forKey: .type)
        try container.encodeIfPresent(eventTime, forKey: .eventTime)
        try container.encodeIfPresent(series, forKey: .series)
        try container.encodeIfPresent(action, forKey: .action)
        try container.encodeIfPresent(related, forKey: .related)
        try container.encodeIfPresent(reportingComponent, forKey: .reportingComponent)
        try container.encodeIfPresent(reportingInstance, forKey: .reportingInstance)
    }
}

/// `v1.EventSource`.
public struct EventSource: Codable, Sendable, Equatable {
    public var component: String?
    public var host: String?

    public init(component: String? = nil, host: String? = nil) {
        self.component = component
        self.host = host
    }
}
