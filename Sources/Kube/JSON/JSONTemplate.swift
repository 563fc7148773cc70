/// A document serialized once, with string members ("holes") filled in on each use: a lease renewal
/// changes two strings of a document otherwise the same, and serializing it anew a thousand times a
/// second was 3 % of the heartbeat's CPU. `render` gives the bytes `serialized()` would give for the
/// document with those members set.
public struct JSONTemplate: Sendable {
    private enum Form: Sendable {
        /// The serialization split at the holes, and which hole comes after each segment but the last.
        case segments([[UInt8]], order: [Int])
        /// A marker already occurred in the document (never in practice): set and serialize each time.
        case document(JSONValue)
    }

    private let form: Form
    private let holes: [[String]]

    /// `holes` are paths of object keys; each is set (created if missing) as a string member.
    public init(_ document: JSONValue, holes: [[String]]) {
        self.holes = holes
        var marked = document
        var markers: [[UInt8]] = []
        for (number, path) in holes.enumerated() {
            let marker = "\u{7F}node-agent-template-hole-\(number)\u{7F}"
            marked.set(.string(marker), at: path)
            markers.append(JSONValue.string(marker).serialized())
        }
        let bytes = marked.serialized()
        var found: [(range: Range<Int>, hole: Int)] = []
        for (hole, marker) in markers.enumerated() {
            let ranges = Self.ranges(of: marker, in: bytes)
            guard ranges.count == 1 else {
                form = .document(document)
                return
            }
            found.append((ranges[0], hole))
        }
        found.sort { $0.range.lowerBound < $1.range.lowerBound }
        var segments: [[UInt8]] = []
        var start = 0
        for (range, _) in found {
            segments.append(Array(bytes[start..<range.lowerBound]))
            start = range.upperBound
        }
        segments.append(Array(bytes[start...]))
        form = .segments(segments, order: found.map(\.hole))
    }

    /// The document with hole `i` set to `strings[i]`, serialized.
    public func render(_ strings: [String]) -> [UInt8] {
        precondition(strings.count == holes.count, "a template needs one string per hole")
        switch form {
        case .document(var document):
            for (path, string) in zip(holes, strings) { document.set(.string(string), at: path) }
            return document.serialized()
        case .segments(let segments, let order):
            var output = segments[0]
            output.reserveCapacity(segments.reduce(0) { $0 + $1.count } + strings.reduce(0) { $0 + $1.utf8.count + 2 })
            for (hole, segment) in zip(order, segments.dropFirst()) {
                JSONValue.string(strings[hole]).serialize(into: &output)
                output.append(contentsOf: segment)
            }
            return output
        }
    }

    private static func ranges(of marker: [UInt8], in bytes: [UInt8]) -> [Range<Int>] {
        guard marker.count <= bytes.count else { return [] }
        var found: [Range<Int>] = []
        var index = 0
        while index + marker.count <= bytes.count {
            if bytes[index] == marker[0], bytes[index..<index + marker.count].elementsEqual(marker) {
                found.append(index..<index + marker.count)
                index += marker.count
            } else {
                index += 1
            }
        }
        return found
    }
}
