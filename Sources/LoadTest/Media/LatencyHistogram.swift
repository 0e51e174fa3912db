/// Durations in 100 µs buckets up to 5 s (longer ones in the last bucket):
/// cheap to record per packet, mergeable, and exact enough for p50/p95.
public struct LatencyHistogram: Sendable, Equatable {
    public static let bucketWidth = 0.000_1
    public static let bucketCount = 50_000
    var counts: [UInt32]
    public private(set) var total = 0

    public init() {
        counts = []
    }

    /// Records one duration in seconds (negative ones count as zero).
    public mutating func record(_ seconds: Double) {
        if counts.isEmpty { counts = [UInt32](repeating: 0, count: Self.bucketCount) }
        let index = min(Self.bucketCount - 1, max(0, Int(seconds / Self.bucketWidth)))
        counts[index] &+= 1
        total += 1
    }

    public mutating func merge(_ other: LatencyHistogram) {
        guard other.total > 0 else { return }
        if counts.isEmpty { counts = [UInt32](repeating: 0, count: Self.bucketCount) }
        for i in 0..<Self.bucketCount { counts[i] &+= other.counts[i] }
        total += other.total
    }

    /// The value below which a fraction `q` (0…1) of the samples lie, as
    /// the upper edge of its bucket; nil without samples.
    public func quantile(_ q: Double) -> Double? {
        guard total > 0 else { return nil }
        let rank = max(1, Int((q * Double(total)).rounded(.up)))
        var seen = 0
        for (i, c) in counts.enumerated() {
            seen += Int(c)
            if seen >= rank { return Double(i + 1) * Self.bucketWidth }
        }
        return Double(Self.bucketCount) * Self.bucketWidth
    }
}
