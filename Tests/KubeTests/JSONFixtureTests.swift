import Kube
import Testing

/// Every JSON body recorded from kube-apiserver 1.19 must survive parse → serialize → parse.
@Suite struct JSONFixtureTests {
    @Test func everyFixtureRoundTrips() throws {
        let names = try JSONTestFixtures.names(withSuffix: ".json")
        #expect(names.count > 100)
        for name in names {
            let value = try JSONTestFixtures.json(name)
            #expect(try JSONValue(parsing: value.serialized()) == value, "\(name)")
            #expect(try JSONValue(parsing: value.prettySerialized()) == value, "\(name)")
        }
    }

    @Test func everyWatchEventRoundTripsByteForByte() throws {
        var events = 0
        for name in try JSONTestFixtures.names(withSuffix: ".stream.jsonl") {
            let bytes = try JSONTestFixtures.bytes(name)
            for line in bytes.split(separator: 0x0A) {
                let value = try JSONValue(parsing: line)
                // Watch lines are the server's own compact bytes: we must write exactly the same.
                #expect(value.serialized() == Array(line), "\(name)")
                events += 1
            }
        }
        #expect(events > 10)
    }

    @Test func reproducesTheServersRawBytes() throws {
        var raw = try JSONTestFixtures.bytes("02-nodes-01-create.resp.raw.json")
        if raw.last == 0x0A { raw.removeLast() }
        let value = try JSONValue(parsing: raw)
        #expect(value.serialized() == raw)
        #expect(value == (try JSONTestFixtures.json("02-nodes-01-create.resp.json")))
    }

    /// A sanity run over the largest fixture (no timing assertion; watch the test's duration).
    @Test func parsesTheLargestFixtureRepeatedly() throws {
        let names = try JSONTestFixtures.names(withSuffix: ".json")
        let largest = try names.map { ($0, try JSONTestFixtures.bytes($0)) }.max { $0.1.count < $1.1.count }!
        var keys = 0
        for _ in 0..<1000 {
            let value = try JSONValue(parsing: largest.1)
            keys += value.objectValue?.count ?? 0
        }
        #expect(keys > 0)
    }
}
