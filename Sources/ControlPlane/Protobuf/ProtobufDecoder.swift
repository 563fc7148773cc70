import Kube

/// Turns protobuf messages into JSON objects as Go's encoding/json would write the same Go structs:
/// fields in declaration order, zero values of `omitempty` fields left out, map keys sorted.
struct ProtobufDecoder {
    /// Kubernetes objects nest about a dozen levels; anything far deeper is not one of them.
    static let maximumDepth = 64

    let messages: [String: ProtobufMessage]

    init(messages: [String: ProtobufMessage] = ProtobufSchemas.messages) { self.messages = messages }

    /// What one field collected from the wire, before it is written out.
    private enum Slot {
        case value(JSONValue)
        case list([JSONValue])
        case map([String: JSONValue])
        case inline(JSONObject)
    }

    /// Decodes the message `name` from the reader's range. Unknown fields are skipped; a known field
    /// with the wrong wire type is an error, as it is for Go.
    func object(_ name: String, from reader: ProtobufReader, depth: Int = 0) throws(KubeProtobufError) -> JSONObject {
        guard depth <= Self.maximumDepth else { throw .malformed("messages nested deeper than \(Self.maximumDepth) levels") }
        guard let message = messages[name] else { throw .unsupported("no schema for message \(name)") }
        var reader = reader
        var slots = [Slot?](repeating: nil, count: message.fields.count)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            guard let position = message.position(of: number) else {
                try reader.skip(wireType)
                continue
            }
            let field = message.fields[position]
            let context = { "\(name).\(field.name)" }
            switch field.type {
            case .repeated(let element):
                var items: [JSONValue] = []
                if case .list(let existing)? = slots[position] { items = existing }
                slots[position] = nil
                try appendElements(element, wireType, &reader, to: &items, context: context(), depth: depth)
                slots[position] = .list(items)
            case .map(let valueType):
                var entries: [String: JSONValue] = [:]
                if case .map(let existing)? = slots[position] { entries = existing }
                slots[position] = nil
                let range = try lengthDelimited(wireType, &reader, context: context())
                let (key, value) = try mapEntry(valueType, reader.reader(for: range), context: context(), depth: depth)
                entries[key] = value
                slots[position] = .map(entries)
            case .inline(let inlined):
                let range = try lengthDelimited(wireType, &reader, context: context())
                slots[position] = .inline(try object(inlined, from: reader.reader(for: range), depth: depth + 1))
            default:
                slots[position] = .value(try value(field.type, wireType, &reader, context: context(), depth: depth))
            }
        }
        var result = JSONObject()
        for (field, slot) in zip(message.fields, slots) {
            switch slot {
            case nil: break
            case .value(let value):
                if field.zero == .omitted && Self.isScalar(field.type) && Self.isZero(value) { continue }
                result[field.name] = value
            case .list(let items):
                if !items.isEmpty { result[field.name] = .array(items) }
            case .map(let entries):
                guard !entries.isEmpty else { continue }
                // Go's encoding/json writes map keys in byte order.
                let sorted = entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                result[field.name] = .object(Self.object(uniqueEntries: sorted))
            case .inline(let inlined):
                for (key, value) in inlined { result[key] = value }
            }
        }
        return result
    }

    /// One value of a singular field (or one element of a repeated one).
    private func value(
        _ type: ProtobufFieldType, _ wireType: ProtobufWireType, _ reader: inout ProtobufReader,
        context: @autoclosure () -> String, depth: Int
    ) throws(KubeProtobufError) -> JSONValue {
        switch type {
        case .bool, .int32, .int64:
            guard wireType == .varint else { throw Self.wrongWireType(wireType, expected: .varint, context()) }
            return Self.scalar(type, varint: try reader.readVarint())
        case .double:
            guard wireType == .fixed64 else { throw Self.wrongWireType(wireType, expected: .fixed64, context()) }
            return try Self.double(try reader.readFixed64(), context())
        default:
            break
        }
        let range = try lengthDelimited(wireType, &reader, context: context())
        let contents = reader.reader(for: range)
        switch type {
        case .string: return .string(reader.string(range))
        case .bytes: return .string(ProtobufValues.base64(reader.bytes[range]))
        case .message(let name): return .object(try object(name, from: contents, depth: depth + 1))
        case .time: return try ProtobufValues.time(contents, fractionDigits: 0, context())
        case .microTime: return try ProtobufValues.time(contents, fractionDigits: 6, context())
        case .duration: return try ProtobufValues.duration(contents, context())
        case .quantity: return try ProtobufValues.quantity(contents, context())
        case .intOrString: return try ProtobufValues.intOrString(contents, context())
        case .rawJSON: return try ProtobufValues.rawJSON(contents, context())
        case .bool, .int32, .int64, .double, .inline, .repeated, .map:
            throw .unsupported("\(context()): a \(type) cannot be a single value")
        }
    }

    /// One occurrence of a repeated field: one element, or a packed run of numbers.
    private func appendElements(
        _ element: ProtobufFieldType, _ wireType: ProtobufWireType, _ reader: inout ProtobufReader,
        to items: inout [JSONValue], context: @autoclosure () -> String, depth: Int
    ) throws(KubeProtobufError) {
        switch (element, wireType) {
        case (.bool, .lengthDelimited), (.int32, .lengthDelimited), (.int64, .lengthDelimited):
            var packed = reader.reader(for: try reader.readLengthDelimited())
            while !packed.isAtEnd { items.append(Self.scalar(element, varint: try packed.readVarint())) }
        case (.double, .lengthDelimited):
            var packed = reader.reader(for: try reader.readLengthDelimited())
            while !packed.isAtEnd { items.append(try Self.double(try packed.readFixed64(), context())) }
        default:
            items.append(try value(element, wireType, &reader, context: context(), depth: depth))
        }
    }

    /// A map entry: key = 1 (a string), value = 2. A missing key is ""; a missing value is the
    /// type's zero value, as Go decodes them.
    private func mapEntry(
        _ valueType: ProtobufFieldType, _ entry: ProtobufReader, context: @autoclosure () -> String, depth: Int
    ) throws(KubeProtobufError) -> (String, JSONValue) {
        var entry = entry
        var key = ""
        var value: JSONValue?
        while !entry.isAtEnd {
            let (number, wireType) = try entry.readTag()
            switch number {
            case 1: key = entry.string(try lengthDelimited(wireType, &entry, context: context()))
            case 2: value = try self.value(valueType, wireType, &entry, context: "\(context())[\(key)]", depth: depth)
            default: try entry.skip(wireType)
            }
        }
        if let value { return (key, value) }
        switch valueType {
        case .string, .bytes: return (key, .string(""))
        case .bool: return (key, .bool(false))
        case .int32, .int64, .intOrString: return (key, .integer(0))
        case .double: return (key, .double(0))
        case .quantity: return (key, .string("0"))
        case .time, .microTime, .rawJSON: return (key, .null)
        case .duration: return (key, .string("0s"))
        case .message: return (key, .object(JSONObject()))
        case .inline, .repeated, .map: throw .unsupported("\(context()): a \(valueType) cannot be a map value")
        }
    }

    private func lengthDelimited(
        _ wireType: ProtobufWireType, _ reader: inout ProtobufReader, context: @autoclosure () -> String
    ) throws(KubeProtobufError) -> Range<Int> {
        guard wireType == .lengthDelimited else { throw Self.wrongWireType(wireType, expected: .lengthDelimited, context()) }
        return try reader.readLengthDelimited()
    }

    private static func scalar(_ type: ProtobufFieldType, varint: UInt64) -> JSONValue {
        switch type {
        case .bool: .bool(varint != 0)
        case .int32: .integer(Int64(Int32(truncatingIfNeeded: varint)))
        default: .integer(Int64(bitPattern: varint))
        }
    }

    private static func double(_ bits: UInt64, _ context: @autoclosure () -> String) throws(KubeProtobufError) -> JSONValue {
        let value = Double(bitPattern: bits)
        guard value.isFinite else { throw .invalidValue("\(context()): \(value) has no JSON form") }
        return .double(value)
    }

    /// A JSON object from sorted, unique entries. JSONObject's public initializer compares every key
    /// with the ones before it; Kube's JSON parser builds objects with a key index, so a large map
    /// takes that way round: four times faster at 50,000 keys, and as fast as a JSON body with the
    /// same map.
    private static func object(uniqueEntries entries: [(key: String, value: JSONValue)]) -> JSONObject {
        guard entries.count > 16 else { return JSONObject(entries.map { ($0.key, $0.value) }) }
        var text: [UInt8] = [UInt8(ascii: "{")]
        for (index, entry) in entries.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            text += JSONValue.string(entry.key).serialized()
            text.append(UInt8(ascii: ":"))
            text += entry.value.serialized()
        }
        text.append(UInt8(ascii: "}"))
        if let object = (try? JSONValue(parsing: text))?.objectValue { return object }
        return JSONObject(entries.map { ($0.key, $0.value) })
    }

    /// Go's `omitempty` leaves out zero strings, numbers and bools; never a struct (IntOrString,
    /// Quantity and Time are structs, so a zero one is written).
    private static func isScalar(_ type: ProtobufFieldType) -> Bool {
        switch type {
        case .string, .bytes, .bool, .int32, .int64, .double: true
        default: false
        }
    }

    private static func isZero(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): text.isEmpty
        case .integer(let number): number == 0
        case .bool(let flag): !flag
        case .double(let number): number == 0
        case .null, .array, .object: false
        }
    }

    private static func wrongWireType(
        _ wireType: ProtobufWireType, expected: ProtobufWireType, _ context: String
    ) -> KubeProtobufError {
        .malformed("\(context): \(wireType) value where a \(expected) one belongs")
    }
}
