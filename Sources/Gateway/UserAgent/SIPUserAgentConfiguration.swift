/// Where and how the SIP user agent listens, and the credentials it answers
/// digest challenges with on dial-out.
public struct SIPUserAgentConfiguration: Sendable, Equatable {
    /// Address to bind (UDP and TCP on the same port).
    public var host: String
    /// Port to bind; 0 lets the system choose (see `SIPUserAgent.boundPort`).
    public var port: Int
    /// Value of the User-Agent / Server header.
    public var userAgent: String
    /// Session-Expires offered and accepted, seconds (RFC 4028 §4).
    public var sessionExpires: Int
    /// Min-SE, seconds (RFC 4028 §5: at least 90).
    public var minSessionExpires: Int
    /// Credentials for 401/407 challenges to our outgoing INVITEs.
    public var credentials: SIPCredentials?
    /// SIP over TLS (RFC 3261 §26.2.2): the port on `host`, and the directory
    /// with `agent.pem` (key and certificate) and `cafile.pem` that
    /// `SIPTLSFiles.prepare` wrote. Nil: no TLS.
    public var tls: TLS?
    /// The host put in our Contact headers when TLS is on (the address
    /// phones reach us at); nil: `host`.
    public var contactHost: String?

    /// Where SIP over TLS listens and its credentials.
    public struct TLS: Sendable, Equatable {
        public var port: Int
        public var directory: String
        public init(port: Int, directory: String) {
            self.port = port
            self.directory = directory
        }
    }

    public init(
        host: String = "127.0.0.1",
        port: Int = 5060,
        userAgent: String = "Parley",
        sessionExpires: Int = 1800,
        minSessionExpires: Int = 90,
        credentials: SIPCredentials? = nil,
        tls: TLS? = nil,
        contactHost: String? = nil
    ) {
        self.host = host
        self.port = port
        self.userAgent = userAgent
        self.sessionExpires = sessionExpires
        self.minSessionExpires = minSessionExpires
        self.credentials = credentials
        self.tls = tls
        self.contactHost = contactHost
    }

    /// The nua bind URL. No `transport` parameter: nta then opens UDP and TCP
    /// on the same port (with port 0 both share the chosen port).
    var bindURL: String { "sip:\(Self.uriHost(host)):\(port)" }

    /// The nua bind URL for TLS, nil without TLS.
    var sipsURL: String? { tls.map { "sips:\(Self.uriHost(host)):\($0.port)" } }

    /// A host as a SIP URI writes it: an IPv6 address in brackets (RFC 3261 §25.1).
    static func uriHost(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}
