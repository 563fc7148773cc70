import Kube

/// The Kubernetes types whose protobuf is a message but whose JSON is a string or a number.
enum ProtobufValues {
    /// metav1.Time (fractionDigits 0; nanos are dropped, as metav1.Time drops them) and
    /// metav1.MicroTime (fractionDigits 6): seconds = 1, nanos = 2. An empty message is the zero
    /// time, which Go writes as null.
    static func time(
        _ reader: ProtobufReader, fractionDigits: Int, _ context: @autoclosure () -> String
    ) throws(KubeProtobufError) -> JSONValue {
        guard !reader.isAtEnd else { return .null }
        var reader = reader
        var seconds: Int64 = 0
        var nanos: Int64 = 0
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch (number, wireType) {
            case (1, .varint): seconds = Int64(bitPattern: try reader.readVarint())
            case (2, .varint): nanos = Int64(Int32(truncatingIfNeeded: try reader.readVarint()))
            case (1, _), (2, _): throw .malformed("\(context()): time field \(number) is not a varint")
            default: try reader.skip(wireType)
            }
        }
        if fractionDigits == 0 { nanos = 0 }
        // Like time.Unix: nanoseconds outside [0, 1e9) carry into the seconds.
        let carry = nanos >= 0 ? nanos / 1_000_000_000 : (nanos + 1) / 1_000_000_000 - 1
        let (total, overflow) = seconds.addingReportingOverflow(carry)
        nanos = ((nanos % 1_000_000_000) + 1_000_000_000) % 1_000_000_000
        guard !overflow, let text = rfc3339(seconds: total, nanoseconds: nanos, fractionDigits: fractionDigits) else {
            throw .invalidValue("\(context()): time \(seconds)s is outside years 0001 to 9999")
        }
        return .string(text)
    }

    /// "2006-01-02T15:04:05Z" (or with `fractionDigits` digits after the seconds), in UTC; nil
    /// outside years 1 to 9999.
    static func rfc3339(seconds: Int64, nanoseconds: Int64, fractionDigits: Int) -> String? {
        guard (-62_135_596_800...253_402_300_799).contains(seconds) else { return nil }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds + 1) / 86_400 - 1
        let secondOfDay = seconds - days * 86_400
        // Days since 1970-01-01 to a civil date, counting in 400-year eras from 0000-03-01.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3_600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if fractionDigits > 0 {
            var scale: Int64 = 1
            for _ in fractionDigits..<9 { scale *= 10 }
            text += "." + pad(nanoseconds / scale, fractionDigits)
        }
        return text + "Z"
    }

    /// metav1.Duration (duration = 1, in nanoseconds) as Go's time.Duration prints it.
    static func duration(_ reader: ProtobufReader, _ context: @autoclosure () -> String) throws(KubeProtobufError) -> JSONValue {
        var reader = reader
        var nanoseconds: Int64 = 0
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch (number, wireType) {
            case (1, .varint): nanoseconds = Int64(bitPattern: try reader.readVarint())
            case (1, _): throw .malformed("\(context()): duration is not a varint")
            default: try reader.skip(wireType)
            }
        }
        return .string(goDuration(nanoseconds))
    }

    /// "1h2m3.5s", "1.5ms", "0s": hours, minutes and seconds from one second up, the largest
    /// fitting unit below, fractions without trailing zeros.
    static func goDuration(_ nanoseconds: Int64) -> String {
        guard nanoseconds != 0 else { return "0s" }
        let sign = nanoseconds < 0 ? "-" : ""
        let magnitude = nanoseconds.magnitude
        if magnitude < 1_000 { return sign + "\(magnitude)ns" }
        if magnitude < 1_000_000 { return sign + decimal(magnitude, digits: 3) + "µs" }
        if magnitude < 1_000_000_000 { return sign + decimal(magnitude, digits: 6) + "ms" }
        let totalSeconds = magnitude / 1_000_000_000
        let seconds = decimal(totalSeconds % 60 * 1_000_000_000 + magnitude % 1_000_000_000, digits: 9) + "s"
        let minutes = totalSeconds / 60
        if minutes == 0 { return sign + seconds }
        if minutes < 60 { return sign + "\(minutes)m" + seconds }
        return sign + "\(minutes / 60)h\(minutes % 60)m" + seconds
    }

    /// resource.Quantity (string = 1). Go refuses an empty string and reads a missing one as zero.
    static func quantity(_ reader: ProtobufReader, _ context: @autoclosure () -> String) throws(KubeProtobufError) -> JSONValue {
        var reader = reader
        var text: String?
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch (number, wireType) {
            case (1, .lengthDelimited): text = reader.string(try reader.readLengthDelimited())
            case (1, _): throw .malformed("\(context()): quantity is not a string")
            default: try reader.skip(wireType)
            }
        }
        guard let text else { return .string("0") }
        guard !text.isEmpty else { throw .invalidValue("\(context()): empty quantity") }
        return .string(text)
    }

    /// intstr.IntOrString: type = 1 (0 int, 1 string), intVal = 2, strVal = 3.
    static func intOrString(_ reader: ProtobufReader, _ context: @autoclosure () -> String) throws(KubeProtobufError) -> JSONValue {
        var reader = reader
        var type: UInt64 = 0
        var int: Int64 = 0
        var string = ""
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch (number, wireType) {
            case (1, .varint): type = try reader.readVarint()
            case (2, .varint): int = Int64(Int32(truncatingIfNeeded: try reader.readVarint()))
            case (3, .lengthDelimited): string = reader.string(try reader.readLengthDelimited())
            case (1, _), (2, _), (3, _): throw .malformed("\(context()): int-or-string field \(number) has the wrong wire type")
            default: try reader.skip(wireType)
            }
        }
        switch type {
        case 0: return .integer(int)
        case 1: return .string(string)
        default: throw .invalidValue("\(context()): int-or-string type \(type) is neither 0 (int) nor 1 (string)")
        }
    }

    /// metav1.FieldsV1 (raw = 1): JSON text, embedded as a value; no text is null.
    static func rawJSON(_ reader: ProtobufReader, _ context: @autoclosure () -> String) throws(KubeProtobufError) -> JSONValue {
        var reader = reader
        var raw: Range<Int>?
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch (number, wireType) {
            case (1, .lengthDelimited): raw = try reader.readLengthDelimited()
            case (1, _): throw .malformed("\(context()): raw JSON is not length-delimited")
            default: try reader.skip(wireType)
            }
        }
        guard let raw, !raw.isEmpty else { return .null }
        do { return try JSONValue(parsing: reader.bytes[raw]) } catch {
            throw .invalidValue("\(context()): \(error.message)")
        }
    }

    /// Standard base64 with padding, as Go's encoding/json writes []byte.
    static func base64(_ bytes: ArraySlice<UInt8>) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let count = min(3, bytes.endIndex - index)
            var group: UInt32 = 0
            for offset in 0..<3 { group = group << 8 | (offset < count ? UInt32(bytes[index + offset]) : 0) }
            for position in 0..<4 {
                output.append(position <= count ? alphabet[Int(group >> (18 - 6 * UInt32(position)) & 0x3F)] : UInt8(ascii: "="))
            }
            index += count
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `value` / 10^digits with the fraction's trailing zeros (and a bare point) left out.
    private static func decimal(_ value: UInt64, digits: Int) -> String {
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        var fraction = String(value % scale)
        guard value % scale != 0 else { return String(value / scale) }
        fraction = String(repeating: "0", count: digits - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(value / scale).\(fraction)"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
