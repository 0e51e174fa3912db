/// A snapshot of the media plane, for /metrics and the benchmark.
public struct MediaStatistics: Sendable, Equatable {
    public var routers = 0
    public var transports = 0
    public var connectedTransports = 0
    public var producers = 0
    public var consumers = 0
    /// Copies of producers from other loops (a room spanning loops), each fed by one pipe.
    public var pipedProducers = 0
    /// Open ICE-TCP connections to the media port.
    public var tcpConnections = 0
    /// UDP datagrams and ICE-TCP frames received on the media port.
    public var packetsReceived = 0
    public var packetsForwarded = 0
    /// RTP packets that came through pipes from other loops (a room spanning loops).
    public var packetsPiped = 0
    public var packetsDropped = 0
    /// Forwarded datagrams sent from the media port's batches, and the
    /// messages they went to the kernel in (a segmented send carries several).
    public var datagramsSent = 0
    public var datagramMessagesSent = 0
    public var keyframeRequests = 0
    public var nacksReceived = 0
    public var nacksSent = 0
    public var retransmissions = 0
}

extension MediaStatistics {
    /// Adds another loop's figures to these.
    mutating func add(_ other: MediaStatistics) {
        routers += other.routers
        transports += other.transports
        connectedTransports += other.connectedTransports
        producers += other.producers
        consumers += other.consumers
        pipedProducers += other.pipedProducers
        tcpConnections += other.tcpConnections
        packetsReceived += other.packetsReceived
        packetsForwarded += other.packetsForwarded
        packetsPiped += other.packetsPiped
        packetsDropped += other.packetsDropped
        datagramsSent += other.datagramsSent
        datagramMessagesSent += other.datagramMessagesSent
        keyframeRequests += other.keyframeRequests
        nacksReceived += other.nacksReceived
        nacksSent += other.nacksSent
        retransmissions += other.retransmissions
    }
}
