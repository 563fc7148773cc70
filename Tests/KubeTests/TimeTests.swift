import Foundation
import Kube
import Testing

@Suite struct TimeTests {
    /// Seconds since the epoch according to Foundation, as an independent reference.
    func reference(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return Int64(calendar.date(from: components)!.timeIntervalSince1970)
    }

    @Test func parsesAndFormatsWholeSeconds() throws {
        let time = try #require(Time(rfc3339: "2026-11-22T04:59:40Z"))
        #expect(time.seconds == reference(2026, 11, 22, 4, 59, 40) && time.nanoseconds == 0)
        #expect(time.rfc3339 == "2026-11-22T04:59:40Z" && time.description == time.rfc3339)
        // Fractions are accepted and dropped, as the API server stores them.
        #expect(Time(rfc3339: "2026-11-22T04:59:40.999999Z")?.rfc3339 == "2026-11-22T04:59:40Z")
        #expect(Time(rfc3339: "2026-11-22T04:59:40.999999Z") == time)
        // Offsets are applied; output is always UTC.
        #expect(Time(rfc3339: "2026-11-22T06:59:40+02:00") == time)
        #expect(Time(rfc3339: "2026-11-21T23:29:40-05:30") == time)
        #expect(Time(rfc3339: "2026-11-22t04:59:40z") == time)
    }

    @Test func microTimeKeepsSixDigits() throws {
        let time = try #require(MicroTime(rfc3339: "2026-11-22T04:59:40.551435Z"))
        #expect(time.rfc3339 == "2026-11-22T04:59:40.551435Z")
        #expect(time.nanoseconds == 551_435_000)
        #expect(MicroTime(rfc3339: "2026-11-22T04:59:40Z")?.rfc3339 == "2026-11-22T04:59:40.000000Z")
        #expect(MicroTime(rfc3339: "2026-11-22T04:59:40.123Z")?.rfc3339 == "2026-11-22T04:59:40.123000Z")
        #expect(MicroTime(rfc3339: "2026-11-22T04:59:40.123456789Z")?.rfc3339 == "2026-11-22T04:59:40.123456Z")
        #expect(MicroTime(rfc3339: "2026-11-22T04:59:40.1234567891234Z")?.nanoseconds == 123_456_000)
        #expect(MicroTime(rfc3339: "2026-11-22T05:00:03.654321+02:00")?.rfc3339 == "2026-11-22T03:00:03.654321Z")
        #expect(Time(time).rfc3339 == "2026-11-22T04:59:40Z")
        #expect(MicroTime(Time(rfc3339: "2026-11-22T04:59:40Z")!).rfc3339 == "2026-11-22T04:59:40.000000Z")
    }

    @Test(arguments: [
        "", "2026-11-22", "2026-11-22T04:59:40", "2026-11-22 04:59:40Z", "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-22T24:00:00Z",
        "2026-11-22T04:60:00Z", "2026-11-22T04:59:60Z", "2026-11-22T04:59:40.Z", "2026-11-22T04:59:40+0200",
        "2026-11-22T04:59:40+24:00", "2026-11-22T04:59:40Zjunk", "26-11-22T04:59:40Z", "2026-1-22T04:59:40Z",
        "２026-11-22T04:59:40Z", "2026-11-22T04:59:40.5", "null",
    ])
    func rejects(text: String) {
        #expect(Time(rfc3339: text) == nil, "\(text)")
        #expect(MicroTime(rfc3339: text) == nil, "\(text)")
    }

    @Test func calendarEdges() {
        #expect(Time(rfc3339: "2024-02-29T00:00:00Z")?.seconds == reference(2024, 2, 29))
        #expect(Time(rfc3339: "2000-02-29T12:00:00Z")?.seconds == reference(2000, 2, 29, 12))
        #expect(Time(rfc3339: "1900-02-29T00:00:00Z") == nil)
        #expect(Time(seconds: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Time(seconds: -1).rfc3339 == "1969-12-31T23:59:59Z")
        #expect(Time(seconds: 253_402_300_799).rfc3339 == "9999-12-31T23:59:59Z")
        #expect(Time(rfc3339: "0001-01-01T00:00:00Z")?.seconds == -62_135_596_800)
        #expect(Time(seconds: -62_135_596_800).rfc3339 == "0001-01-01T00:00:00Z")
        #expect(MicroTime(seconds: 0, nanoseconds: 1_000).rfc3339 == "1970-01-01T00:00:00.000001Z")
        #expect(MicroTime(seconds: 1_000_000_000, nanoseconds: 999_999_000).rfc3339 == "2001-09-09T01:46:40.999999Z")
        #expect(MicroTime(seconds: -1, nanoseconds: 500_000_000).rfc3339 == "1969-12-31T23:59:59.500000Z")
        // Nanoseconds are normalised, flooring negatives.
        let normalized = MicroTime(seconds: 0, nanoseconds: -1)
        #expect(normalized.seconds == -1 && normalized.nanoseconds == 999_999_999)
        #expect(normalized.rfc3339 == "1969-12-31T23:59:59.999999Z")
        #expect(Time(seconds: 10, nanoseconds: 2_500_000_000) == Time(seconds: 12, nanoseconds: 500_000_000))
    }

    @Test func agreesWithFoundationAcrossCenturies() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // Every 9973 hours from 1600 (after the Julian switch Foundation models) to 9999.
        var seconds = reference(1600, 3, 1)
        while seconds < reference(9999, 12, 31) {
            let c = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            let time = Time(seconds: seconds)
            #expect(time.rfc3339 == expected)
            #expect(Time(rfc3339: expected) == time)
            if time.rfc3339 != expected { break }
            seconds += 9973 * 3600 + 17
        }
    }

    @Test func arithmeticAndOrder() throws {
        let start = try #require(MicroTime(rfc3339: "2026-11-22T04:59:59.999999Z"))
        let later = start + .microseconds(2)
        #expect(later.rfc3339 == "2026-11-22T05:00:00.000001Z")
        #expect(later - start == .microseconds(2))
        #expect(start - .seconds(60) < start && later > start)
        #expect((start - .milliseconds(1500)).rfc3339 == "2026-11-22T04:59:58.499999Z")
        var time = try #require(Time(rfc3339: "2026-11-22T04:59:40Z"))
        time += .seconds(40)
        #expect(time.rfc3339 == "2026-11-22T05:00:20Z")
        time -= .seconds(3600 * 24)
        #expect(time.rfc3339 == "2026-11-21T05:00:20Z")
        #expect(Time(seconds: 5) - Time(seconds: 7, nanoseconds: 250_000_000) == .milliseconds(-2250))
        #expect([Time(seconds: 3), Time(seconds: 1), Time(seconds: 2)].sorted() == [1, 2, 3].map { Time(seconds: $0) })
        #expect(Set([Time(seconds: 1), Time(seconds: 1, nanoseconds: 0)]).count == 1)
    }

    @Test func nowIsTheWallClock() {
        let now = MicroTime.now()
        let reference = Date().timeIntervalSince1970
        #expect(abs(Double(now.seconds) + Double(now.nanoseconds) / 1e9 - reference) < 5)
        #expect(abs(Double(Time.now().seconds) - reference) < 5)
    }

    @Test func codable() throws {
        struct Holder: Codable, Equatable {
            var time: Time?
            var micro: MicroTime?
        }
        let json = #"{"time":"2026-11-22T06:59:40.5+02:00","micro":"2026-11-22T04:59:40.551435Z"}"#
        let holder = try JSONDecoder().decode(Holder.self, from: Data(json.utf8))
        #expect(holder.time?.rfc3339 == "2026-11-22T04:59:40Z" && holder.time?.nanoseconds == 0)
        let encoded = String(decoding: try JSONEncoder().encode(holder), as: UTF8.self)
        #expect(encoded.contains(#""time":"2026-11-22T04:59:40Z""#))
        #expect(encoded.contains(#""micro":"2026-11-22T04:59:40.551435Z""#))
        #expect(try JSONDecoder().decode(Holder.self, from: Data(encoded.utf8)) == holder)
        let nulls = try JSONDecoder().decode(Holder.self, from: Data(#"{"time":null}"#.utf8))
        #expect(nulls.time == nil && nulls.micro == nil)

        do {
            _ = try JSONDecoder().decode(Holder.self, from: Data(#"{"time":"2026-02-30T00:00:00Z"}"#.utf8))
            Issue.record("an invalid date decoded")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription.contains("RFC 3339"))
            #expect(context.debugDescription.contains("day out of range"))
            #expect(context.codingPath.map(\.stringValue) == ["time"])
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Holder.self, from: Data(#"{"micro":12}"#.utf8)) }
    }
}

@Suite struct GoDurationTests {
    @Test func formatsAsGoPrintsDurations() {
        let cases: [(Duration, String)] = [
            (.zero, "0s"), (.nanoseconds(7), "7ns"), (.microseconds(1500), "1.5ms"), (.nanoseconds(1500), "1.5µs"),
            (.milliseconds(500), "500ms"), (.seconds(10), "10s"), (.milliseconds(1500), "1.5s"), (.seconds(80), "1m20s"),
            (.seconds(300), "5m0s"), (.seconds(3600), "1h0m0s"), (.seconds(3661), "1h1m1s"), (.milliseconds(-2500), "-2.5s"),
            (.nanoseconds(60_000_000_001), "1m0.000000001s"),
        ]
        for (duration, text) in cases { #expect(GoDuration.format(duration) == text) }
    }
}
