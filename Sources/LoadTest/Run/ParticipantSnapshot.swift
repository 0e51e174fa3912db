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
    /// Times the participant came back after its socket dropped.
    public var comebacks = 0
    /// The last comeback: seconds from the socket dropping to being in the
    /// meeting again (`joined` or `resumed`), and to the first media packet.
    public var backSeconds: Double?
    public var mediaBackSeconds: Double?
    public var errors: [String] = []
    public init() {}
}
