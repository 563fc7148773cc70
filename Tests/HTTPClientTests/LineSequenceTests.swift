import HTTPClient
import Testing

@Suite struct LineSequenceTests {
    func lines(_ chunks: [String]) async throws -> [String] {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        for chunk in chunks { continuation.yield(Array(chunk.utf8)) }
        continuation.finish()
        var result: [String] = []
        for try await line in LineSequence(stream) { result.append(String(decoding: line, as: UTF8.self)) }
        return result
    }

    @Test func splitsManyLinesPerChunkAndLinesAcrossChunks() async throws {
        let many = (0..<1000).map { "event \($0)\n" }.joined()
        #expect(try await lines([many]) == (0..<1000).map { "event \($0)" })
        #expect(try await lines(["ab", "c\nde", "", "f\n\ng"]) == ["abc", "def", "", "g"])
    }

    @Test func dropsCarriageReturnsOnlyBeforeNewlines() async throws {
        #expect(try await lines(["a\r\nb\r", "\nc\rd\n\r\n"]) == ["a", "b", "c\rd", ""])
        #expect(try await lines([]) == [])
        #expect(try await lines(["\n"]) == [""])
    }
}
