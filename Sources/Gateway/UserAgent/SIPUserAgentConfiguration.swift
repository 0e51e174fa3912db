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

    public init(
        host: String = "127.0.0.1",
        port: Int = 5060,
        userAgent: String = "Parley",
        sessionExpires: Int = 1800,
        minSessionExpires: Int = 90,
        credentials: SIPCredentials? = nil
    ) {
        self.host = host
        self.port = port
        self.userAgent = userAgent
        self.sessionExpires = sessionExpires
        self.minSessionExpires = minSessionExpires
        self.credentials = credentials
    }

    /// The nua bind URL. No `transport` parameter: nta then opens UDP and TCP
    /// on the same port (with port 0 both share the chosen port).
    var bindURL: String {
        let h = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "sip:\(h):\(port)"
    }
}
