import HTTP

/// Hand-written RFC 3339 reading and writing for `Time` and `MicroTime`: the API server's timestamps
/// are always this one shape, and a dedicated parser is far cheaper than a general date formatter.
enum RFC3339 {
    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`. Fraction digits beyond nanoseconds are
    /// dropped; the offset is applied, so the result is UTC.
    static func parse(_ text: String) throws(ParseError) -> (seconds: Int64, nanoseconds: Int32) {
        var bytes = Array(text.utf8)[...]
        func fail(_ reason: String) -> ParseError { ParseError(description: "\(reason) in \"\(text)\"") }
        func number(_ digits: Int, _ what: String) throws(ParseError) -> Int {
            guard bytes.count >= digits else { throw fail("truncated \(what)") }
            var value = 0
            for byte in bytes.prefix(digits) {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw fail("invalid \(what)") }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            bytes.removeFirst(digits)
            return value
        }
        func expect(_ allowed: String, _ what: String) throws(ParseError) {
            guard let byte = bytes.first, allowed.utf8.contains(byte) else { throw fail("expected \(what)") }
            bytes.removeFirst()
        }

        let year = try number(4, "year")
        try expect("-", "'-' after the year")
        let month = try number(2, "month")
        try expect("-", "'-' after the month")
        let day = try number(2, "day")
        try expect("Tt", "'T' between date and time")
        let hour = try number(2, "hour")
        try expect(":", "':' after the hour")
        let minute = try number(2, "minute")
        try expect(":", "':' after the minute")
        let second = try number(2, "second")
        guard (1...12).contains(month) else { throw fail("month out of range") }
        guard (1...daysIn(month: month, year: year)).contains(day) else { throw fail("day out of range") }
        // Go's time package, which the API server uses, has no leap seconds either.
        guard hour < 24, minute < 60, second < 60 else { throw fail("time of day out of range") }

        var nanoseconds: Int32 = 0
        if bytes.first == UInt8(ascii: ".") {
            bytes.removeFirst()
            var digits = 0
            while let byte = bytes.first, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if digits < 9 { nanoseconds = nanoseconds * 10 + Int32(byte - UInt8(ascii: "0")) }
                digits += 1
                bytes.removeFirst()
            }
            guard digits > 0 else { throw fail("no digits after the decimal point") }
            for _ in digits..<max(digits, 9) { nanoseconds *= 10 }
        }

        var offsetSeconds = 0
        switch bytes.first {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            bytes.removeFirst()
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = bytes.removeFirst() == UInt8(ascii: "-") ? -1 : 1
            let offsetHours = try number(2, "offset hours")
            try expect(":", "':' in the offset")
            let offsetMinutes = try number(2, "offset minutes")
            guard offsetHours < 24, offsetMinutes < 60 else { throw fail("offset out of range") }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        default:
            throw fail("missing time zone ('Z' or ±HH:MM)")
        }
        guard bytes.isEmpty else { throw fail("unexpected characters after the time zone") }

        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        return (seconds, nanoseconds)
    }

    /// Writes UTC with exactly `fractionDigits` digits of the (truncated) fraction; 0 omits the point.
    static func format(seconds: Int64, nanoseconds: Int32, fractionDigits: Int) -> String {
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civilFromDays(days)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        // Digits written in place (`appendDecimal`): a String and an Array for each of the seven
        // numbers made formatting a lease's renewTime (a thousand a second at 10,000 nodes) cost 0.8 %
        // of the heartbeat.
        out.appendDecimal(year, width: 4)
        out.append(UInt8(ascii: "-"))
        out.appendDecimal(month, width: 2)
        out.append(UInt8(ascii: "-"))
        out.appendDecimal(day, width: 2)
        out.append(UInt8(ascii: "T"))
        out.appendDecimal(secondOfDay / 3600, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDecimal(secondOfDay / 60 % 60, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDecimal(secondOfDay % 60, width: 2)
        if fractionDigits > 0 {
            out.append(UInt8(ascii: "."))
            var divisor: Int32 = 1
            for _ in fractionDigits..<9 { divisor *= 10 }
            out.appendDecimal(Int(nanoseconds / divisor), width: fractionDigits)
        }
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar. Counting years from March puts
    /// the leap day last, and 400-year eras repeat exactly (146 097 days each).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let monthFromMarch = Int64((month + 9) % 12)
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468  // 719 468 days from 0000-03-01 to 1970-01-01
    }

    /// The inverse of `daysFromCivil`.
    static func civilFromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1)
        let month = Int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Division rounding toward negative infinity (Swift's `/` truncates toward zero).
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
