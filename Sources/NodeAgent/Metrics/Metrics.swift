import HTTP
import Loop

/// The agent's own Prometheus metrics (`/metrics` on the kubelet API): counters, gauges and histograms
/// with labels, rendered in the text exposition format 0.0.4. Loop-isolated: every writer runs on the loop.
@LoopActor
public final class MetricsRegistry {
    private var families: [Family] = []

    public init() {}

    public func counter(_ name: String, help: String, labels: [String] = []) -> Counter {
        Counter(register(name, help: help, type: "counter", labels: labels, buckets: []))
    }

    public func gauge(_ name: String, help: String, labels: [String] = []) -> Gauge {
        Gauge(register(name, help: help, type: "gauge", labels: labels, buckets: []))
    }

    /// `buckets` are upper bounds, ascending; `+Inf` is added.
    public func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double]) -> Histogram {
        Histogram(register(name, help: help, type: "histogram", labels: labels, buckets: buckets.sorted()))
    }

    /// What `/metrics` answers, wherever it is served.
    public func response() -> HTTPResponse {
        HTTPResponse(headers: ["Content-Type": Self.contentType], body: Array(render().utf8))
    }

    /// The Prometheus text format's content type.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Every family, sorted by name, as Prometheus scrapes it.
    public func render() -> String {
        var text = ""
        for family in families.sorted(by: { $0.name < $1.name }) { family.render(into: &text) }
        return text
    }

    private func register(_ name: String, help: String, type: String, labels: [String], buckets: [Double]) -> Family {
        if let existing = families.first(where: { $0.name == name }) { return existing }
        let family = Family(name: name, help: help, type: type, labels: labels, buckets: buckets)
        families.append(family)
        return family
    }

    /// One metric name with its series, keyed by label values.
    final class Family {
        let name: String
        let help: String
        let type: String
        let labels: [String]
        let buckets: [Double]
        var values: [[String]: Double] = [:]
        /// Histograms: per series, the count in each bucket (not cumulative), then sum and count.
        var observations: [[String]: (buckets: [UInt64], sum: Double, count: UInt64)] = [:]

        init(name: String, help: String, type: String, labels: [String], buckets: [Double]) {
            self.name = name
            self.help = help
            self.type = type
            self.labels = labels
            self.buckets = buckets
        }

        func render(into text: inout String) {
            text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(type)\n"
            if type == "histogram" {
                for key in observations.keys.sorted(by: Self.precedes) {
                    let series = observations[key]!
                    var cumulative: UInt64 = 0
                    for (index, bound) in buckets.enumerated() {
                        cumulative += series.buckets[index]
                        text += name + "_bucket" + labelText(key, extra: ("le", Self.number(bound))) + " \(cumulative)\n"
                    }
                    text += name + "_bucket" + labelText(key, extra: ("le", "+Inf")) + " \(series.count)\n"
                    text += name + "_sum" + labelText(key) + " " + Self.number(series.sum) + "\n"
                    text += name + "_count" + labelText(key) + " \(series.count)\n"
                }
            } else {
                if labels.isEmpty, values.isEmpty { values[[]] = 0 }
                for key in values.keys.sorted(by: Self.precedes) {
                    text += name + labelText(key) + " " + Self.number(values[key]!) + "\n"
                }
            }
        }

        private func labelText(_ values: [String], extra: (String, String)? = nil) -> String {
            var pairs = zip(labels, values).map { "\($0)=\"\(Self.escapeLabel($1))\"" }
            if let extra { pairs.append("\(extra.0)=\"\(extra.1)\"") }
            return pairs.isEmpty ? "" : "{" + pairs.joined(separator: ",") + "}"
        }

        static func precedes(_ a: [String], _ b: [String]) -> Bool { a.lexicographicallyPrecedes(b) }

        static func number(_ value: Double) -> String {
            if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
            if value.isNaN { return "NaN" }
            if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
            return String(value)
        }

        static func escapeHelp(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
        }

        static func escapeLabel(_ text: String) -> String {
            escapeHelp(text).replacingOccurrences(of: "\"", with: "\\\"")
        }
    }
}

/// A value that only goes up.
@LoopActor
public struct Counter {
    let family: MetricsRegistry.Family
    init(_ family: MetricsRegistry.Family) { self.family = family }

    public func inc(_ labelValues: [String] = [], by amount: Double = 1) {
        family.values[labelValues, default: 0] += amount
    }

    public func value(_ labelValues: [String] = []) -> Double { family.values[labelValues] ?? 0 }
}

/// A value that goes up and down.
@LoopActor
public struct Gauge {
    let family: MetricsRegistry.Family
    init(_ family: MetricsRegistry.Family) { self.family = family }

    public func set(_ value: Double, _ labelValues: [String] = []) { family.values[labelValues] = value }
    public func add(_ amount: Double, _ labelValues: [String] = []) { family.values[labelValues, default: 0] += amount }
    public func value(_ labelValues: [String] = []) -> Double { family.values[labelValues] ?? 0 }
}

/// Observations counted into buckets, with their sum.
@LoopActor
public struct Histogram {
    let family: MetricsRegistry.Family
    init(_ family: MetricsRegistry.Family) { self.family = family }

    public func observe(_ value: Double, _ labelValues: [String] = []) {
        let index = family.buckets.firstIndex { value <= $0 }
        let bucketCount = family.buckets.count
        // In place: a copy of the series taken out and put back copied its counts at every observation.
        Self.add(value, at: index, to: &family.observations[labelValues, default: (Array(repeating: 0, count: bucketCount), 0, 0)])
    }

    private static func add(_ value: Double, at index: Int?, to series: inout (buckets: [UInt64], sum: Double, count: UInt64)) {
        if let index { series.buckets[index] += 1 }
        series.sum += value
        series.count += 1
    }

    public func count(_ labelValues: [String] = []) -> UInt64 { family.observations[labelValues]?.count ?? 0 }

    /// The series' buckets now; the difference of two snapshots describes what was observed between them.
    public func snapshot(_ labelValues: [String] = []) -> HistogramSnapshot {
        let series = family.observations[labelValues]
        let buckets = series?.buckets ?? Array(repeating: 0, count: family.buckets.count)
        let count = series?.count ?? 0
        return HistogramSnapshot(bounds: family.buckets, buckets: buckets + [count - buckets.reduce(0, +)], sum: series?.sum ?? 0)
    }

    /// Observations per label set.
    public func counts() -> [[String]: UInt64] { family.observations.mapValues(\.count) }
}

/// A histogram's buckets at one moment: `buckets[i]` counts observations in (bounds[i-1], bounds[i]],
/// the last one those above every bound.
public struct HistogramSnapshot: Sendable, Equatable {
    public var bounds: [Double]
    public var buckets: [UInt64]
    public var sum: Double
    public var count: UInt64 { buckets.reduce(0, +) }

    public func subtracting(_ earlier: HistogramSnapshot) -> HistogramSnapshot {
        HistogramSnapshot(bounds: bounds, buckets: zip(buckets, earlier.buckets).map { $0 - $1 }, sum: sum - earlier.sum)
    }

    /// The q-quantile as Prometheus' `histogram_quantile` estimates it: linear within the bucket that
    /// holds it; in the bucket above every bound, the highest bound. Nil without observations.
    public func quantile(_ q: Double) -> Double? {
        let total = count
        guard total > 0 else { return nil }
        let rank = q * Double(total)
        var below: UInt64 = 0
        for (index, inBucket) in buckets.enumerated() {
            guard Double(below + inBucket) >= rank, inBucket > 0 else {
                below += inBucket
                continue
            }
            guard index < bounds.count else { return bounds.last }
            let lower = index == 0 ? 0 : bounds[index - 1]
            return lower + (bounds[index] - lower) * (rank - Double(below)) / Double(inBucket)
        }
        return bounds.last
    }
}
