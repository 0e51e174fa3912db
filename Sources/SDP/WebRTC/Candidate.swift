/// One of Parley's ICE candidates: a host candidate on the UDP port all peers
/// share (an ICE-lite agent has only host candidates, RFC 8445 §2.5).
public struct Candidate: Sendable, Hashable {
    /// Same for candidates of the same type and base (RFC 8445 §5.1.1.3); 1-32
    /// ice-chars.
    public var foundation: String
    /// The address, IPv4 dotted or IPv6 without brackets.
    public var ip: String
    /// The UDP port.
    public var port: UInt16
    /// 65535 for the only (or most preferred) address; lower for others
    /// (RFC 8445 §5.1.2.1).
    public var localPreference: UInt16
    /// 1 (RTP; with rtcp-mux there is no RTCP component).
    public var component: UInt8

    /// The type preference of a host candidate, the RECOMMENDED value of
    /// RFC 8445 §5.1.2.2.
    public static let hostTypePreference: UInt32 = 126

    /// Creates a host UDP candidate.
    public init(ip: String, port: UInt16, foundation: String = "1", localPreference: UInt16 = 65535, component: UInt8 = 1) {
        self.foundation = foundation
        self.ip = ip
        self.port = port
        self.localPreference = localPreference
        self.component = component
    }

    /// RFC 8445 §5.1.2.1: (2^24)·type preference + (2^8)·local preference +
    /// (256 − component ID). For a host candidate with local preference 65535
    /// on component 1 this is 2130706431.
    public var priority: UInt32 {
        (Candidate.hostTypePreference << 24) + (UInt32(localPreference) << 8) + (256 - UInt32(component))
    }

    /// The value of an `a=candidate` attribute (RFC 8839 §5.1).
    public var attributeValue: String {
        "\(foundation) \(component) udp \(priority) \(ip) \(port) typ host"
    }
}
