/// One of Parley's ICE candidates: a host candidate on the port all peers
/// share (an ICE-lite agent has only host candidates, RFC 8445 §2.5), over
/// UDP or, for networks that block UDP, passive TCP (RFC 6544).
public struct Candidate: Sendable, Hashable {
    /// The transport protocol of a candidate.
    public enum Transport: Sendable, Hashable {
        /// A UDP host candidate.
        case udp
        /// A passive TCP host candidate (RFC 6544 §4.5): Parley listens and
        /// the browser connects; packets are framed as RFC 4571 says.
        case tcpPassive
    }

    /// Same for candidates of the same type, base and transport protocol
    /// (RFC 8445 §5.1.1.3); 1-32 ice-chars.
    public var foundation: String
    /// The address, IPv4 dotted or IPv6 without brackets.
    public var ip: String
    /// The UDP port, or the TCP port Parley listens on.
    public var port: UInt16
    /// 65535 for the only (or most preferred) UDP address; lower for others
    /// (RFC 8445 §5.1.2.1). TCP candidates take theirs from RFC 6544 §4.2
    /// (`tcpLocalPreference`).
    public var localPreference: UInt16
    /// 1 (RTP; with rtcp-mux there is no RTCP component).
    public var component: UInt8
    /// UDP or passive TCP.
    public var transport: Transport

    /// The type preference of a host candidate, the RECOMMENDED value of
    /// RFC 8445 §5.1.2.2.
    public static let hostTypePreference: UInt32 = 126

    /// RFC 6544 §4.2: the direction-pref RECOMMENDED for a passive host
    /// candidate (active 6, passive 4, simultaneous-open 2).
    public static let passiveDirectionPreference: UInt16 = 4

    /// RFC 6544 §4.2: a TCP candidate's local preference is
    /// 2^13 · direction-pref + other-pref (other-pref 0…8191, like UDP's
    /// local preference among addresses). For a passive candidate this is
    /// at most 40959, below any UDP host candidate of Parley's (65535 for
    /// the first address, one less for each other): with the same type
    /// preference, every TCP candidate ranks below every UDP one, so
    /// browsers check and choose UDP first.
    public static func tcpLocalPreference(otherPreference: UInt16 = 8191) -> UInt16 {
        (passiveDirectionPreference << 13) + min(otherPreference, 8191)
    }

    /// Creates a host candidate (UDP unless `transport` says otherwise).
    public init(ip: String, port: UInt16, foundation: String = "1", localPreference: UInt16 = 65535, component: UInt8 = 1,
                transport: Transport = .udp) {
        self.foundation = foundation
        self.ip = ip
        self.port = port
        self.localPreference = localPreference
        self.component = component
        self.transport = transport
    }

    /// The passive TCP candidate beside the UDP host candidate `udp`: same
    /// address and port, its own foundation (RFC 8445 §5.1.1.3: candidates
    /// of different transport protocols never share one) and the local
    /// preference of RFC 6544 §4.2, keeping `udp`'s rank among addresses.
    public static func passiveTCP(alongside udp: Candidate) -> Candidate {
        let other = UInt16(clamping: Int(udp.localPreference) - (65535 - 8191))
        return Candidate(ip: udp.ip, port: udp.port, foundation: "tcp" + udp.foundation,
                         localPreference: tcpLocalPreference(otherPreference: other),
                         component: udp.component, transport: .tcpPassive)
    }

    /// RFC 8445 §5.1.2.1 (RFC 6544 §4.2 for TCP): (2^24)·type preference +
    /// (2^8)·local preference + (256 − component ID). For a UDP host
    /// candidate with local preference 65535 on component 1 this is
    /// 2130706431; for the passive TCP one beside it, 2124414975.
    public var priority: UInt32 {
        (Candidate.hostTypePreference << 24) + (UInt32(localPreference) << 8) + (256 - UInt32(component))
    }

    /// The value of an `a=candidate` attribute (RFC 8839 §5.1; RFC 6544 §4.5
    /// adds `tcptype` to TCP candidates).
    public var attributeValue: String {
        switch transport {
        case .udp:
            "\(foundation) \(component) udp \(priority) \(ip) \(port) typ host"
        case .tcpPassive:
            "\(foundation) \(component) tcp \(priority) \(ip) \(port) typ host tcptype passive"
        }
    }
}
