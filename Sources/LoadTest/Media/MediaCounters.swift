/// What one participant's connections counted, in both directions; summed
/// over participants for the report.
public struct MediaCounters: Sendable, Equatable, Codable {
    public var packetsSent = 0
    public var bytesSent = 0
    /// Retransmissions sent in answer to NACKs (RTX or plain).
    public var retransmissionsSent = 0
    public var keyframesSent = 0
    public var nacksReceived = 0
    public var nackedPacketsReceived = 0
    public var plisReceived = 0
    public var firsReceived = 0

    public var packetsReceived = 0
    public var bytesReceived = 0
    public var duplicatesReceived = 0
    /// Packets expected from the sequence numbers (RFC 3550 §A.3).
    public var packetsExpected = 0
    /// Expected but never received (after NACK repair).
    public var packetsLost = 0
    /// Sequence numbers that were missing when a later packet came (before repair).
    public var gapsSeen = 0
    /// The same two figures for video only (audio is not repaired by NACK).
    public var videoPacketsExpected = 0
    public var videoPacketsLost = 0
    public var nacksSent = 0
    public var plisSent = 0
    public var srtpErrors = 0

    public init() {}

    public static func + (a: MediaCounters, b: MediaCounters) -> MediaCounters {
        var s = a
        s.packetsSent += b.packetsSent
        s.bytesSent += b.bytesSent
        s.retransmissionsSent += b.retransmissionsSent
        s.keyframesSent += b.keyframesSent
        s.nacksReceived += b.nacksReceived
        s.nackedPacketsReceived += b.nackedPacketsReceived
        s.plisReceived += b.plisReceived
        s.firsReceived += b.firsReceived
        s.packetsReceived += b.packetsReceived
        s.bytesReceived += b.bytesReceived
        s.duplicatesReceived += b.duplicatesReceived
        s.packetsExpected += b.packetsExpected
        s.packetsLost += b.packetsLost
        s.gapsSeen += b.gapsSeen
        s.videoPacketsExpected += b.videoPacketsExpected
        s.videoPacketsLost += b.videoPacketsLost
        s.nacksSent += b.nacksSent
        s.plisSent += b.plisSent
        s.srtpErrors += b.srtpErrors
        return s
    }
}
