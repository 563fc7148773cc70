import Kube

/// Server-side printing: `Accept: application/json;as=Table;g=meta.k8s.io;v=v1` gets a meta.k8s.io/v1
/// Table, the columns kubectl shows for `kubectl get`.
struct TableColumn: Sendable {
    var name: String
    var type = "string"
    var format = ""
    var description: String
    /// 0 shows by default, 1 only with `-o wide`.
    var priority = 0

    var definition: JSONValue {
        [
            "name": .string(name), "type": .string(type), "format": .string(format), "description": .string(description),
            "priority": .integer(Int64(priority)),
        ]
    }

    static let name = TableColumn(
        name: "Name", format: "name",
        description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: http://kubernetes.io/docs/user-guide/identifiers#names")
    static let age = TableColumn(
        name: "Age",
        description: "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata")
}

/// The columns of one kind and how to fill a row.
struct TablePrinter: Sendable {
    var columns: [TableColumn]
    var cells: @Sendable (JSONValue, Time) -> [JSONValue]
}

enum Tables {
    /// Whether the Accept header asks for a Table (kubectl lists Table first, JSON as the fallback).
    static func wantsTable(_ accept: String?) -> Bool {
        guard let first = accept?.split(separator: ",").first else { return false }
        return first.contains("as=Table") && first.contains("g=meta.k8s.io")
    }

    static func table(
        _ type: ResourceType, objects: [JSONValue], metadata: JSONValue, now: Time, includeObject: String?,
        customColumns: [JSONValue] = []
    ) -> JSONValue {
        let printer = type.isCustom ? Printers.custom(customColumns) : Printers.printer(for: type)
        let rows = objects.map { object -> JSONValue in
            ["cells": .array(printer.cells(object, now)), "object": rowObject(object, type: type, include: includeObject)]
        }
        return [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata,
            "columnDefinitions": .array(printer.columns.map(\.definition)), "rows": .array(rows),
        ]
    }

    /// `includeObject=Metadata` (the default) sends PartialObjectMetadata, `Object` the whole object.
    private static func rowObject(_ object: JSONValue, type: ResourceType, include: String?) -> JSONValue {
        switch include {
        case "None": return .null
        case "Object": return object.served(as: type.groupVersion)
        default:
            return ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": object["metadata"] ?? .object([:])]
        }
    }

    /// kubectl's short ages: 45s, 3m20s, 2h5m, 4d3h, 2y3d.
    static func age(_ timestamp: JSONValue?, now: Time) -> String {
        guard let text = timestamp?.stringValue, let then = Time(rfc3339: text) else { return "<unknown>" }
        return humanDuration((now - then).components.seconds)
    }

    static func humanDuration(_ seconds: Int64) -> String {
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 { return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s" }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m" }
        if hours < 48 { return "\(hours)h" }
        let days = hours / 24
        if hours < 192 { return hours % 24 == 0 ? "\(days)d" : "\(days)d\(hours % 24)h" }
        if days < 365 * 2 { return "\(days)d" }
        let years = days / 365
        if days < 365 * 8 { return days % 365 == 0 ? "\(years)y" : "\(years)y\(days % 365)d" }
        return "\(years)y"
    }
}

