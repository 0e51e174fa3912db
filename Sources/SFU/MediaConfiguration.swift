/// Where the media plane listens and what it advertises.
public struct MediaConfiguration: Sendable {
    /// The address the one UDP port binds to (all WebRTC traffic of the node, RFC 7983 demultiplexing).
    public var host: String
    public var port: Int
    /// The address put in ICE candidates: the public address behind NAT, or the bind host.
    public var publicAddress: String
    /// Prefer H.264 over VP8 when a browser offers both.
    public var preferH264: Bool
    /// Also listen on TCP on the same host and port and advertise a passive
    /// TCP candidate (ICE-TCP, RFC 6544), for networks that block UDP.
    public var tcp: Bool
    /// Most TCP connections open at once; more are refused.
    public var maximumTCPConnections: Int
    /// Transports one media loop takes before the rooms on it spill new
    /// transports onto other loops (0: spill only when the loop's CPU is busy).
    public var loopCapacity: Int
    /// The address the other nodes of a cluster send pipe datagrams to: the
    /// node's address on the network between nodes. Nil: `host`, or
    /// `publicAddress` when `host` is a wildcard.
    public var pipeAddress: String?
    /// A subscriber's packets of one burst that have one size (a video
    /// frame's) go out as one segmented send (UDP GSO, `DatagramBatch`).
    public var udpSegmentation = true

    /// Where pipes from other nodes reach this node's loops.
    public var resolvedPipeAddress: String {
        if let pipeAddress { return pipeAddress }
        return host == "0.0.0.0" || host == "::" || host.isEmpty ? publicAddress : host
    }

    public init(host: String, port: Int, publicAddress: String? = nil, preferH264: Bool = false,
                tcp: Bool = true, maximumTCPConnections: Int = 1000, loopCapacity: Int = 0) {
        self.host = host
        self.port = port
        self.publicAddress = publicAddress ?? host
        self.preferH264 = preferH264
        self.tcp = tcp
        self.maximumTCPConnections = maximumTCPConnections
        self.loopCapacity = loopCapacity
    }
}
