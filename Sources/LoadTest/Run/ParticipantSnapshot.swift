/// What a participant reports: its counters, delays, join timings and problems.
public struct ParticipantSnapshot: Sendable {
    public var counters = MediaCounters()
    public var delays = LatencyHistogram()
    /// Seconds from the start of the join to its connections being up
    /// (DTLS done on the publish side for publishers, on the subscribe side otherwise).
    public var joinSeconds: Double?
    /// Seconds from the start of the join to the first media packet received.
    public var firstMediaSeconds: Double?
    public var receivingProducers: Set<String> = []
    public var errors: [String] = []
    public init() {}
}
