/// What the gateway needs to know about a new INVITE to route (or refuse) it.
public struct IncomingCall: Sendable, Equatable {
    /// User part of the Request-URI (the dialed number or room code).
    public var requestURIUser: String?
    /// Host part of the Request-URI.
    public var requestURIHost: String?
    /// The From URI, e.g. `sip:alice@example.com`.
    public var fromURI: String
    public var fromUser: String?
    /// From display name without quotes.
    public var fromDisplayName: String?
    public var toUser: String?
    /// Transport source of the INVITE (what Via received/rport would show);
    /// the gateway's per-source rate limiter keys on it.
    public var remoteAddress: String
    public var remotePort: Int
    /// The SIP Call-ID.
    public var callID: String
    /// "udp" or "tcp".
    public var transport: String
    /// The offer; nil for an offer-less INVITE (we offer in the 200, RFC 3264 §5).
    public var sdp: String?
    public var userAgent: String?

    public init(
        requestURIUser: String?, requestURIHost: String?, fromURI: String, fromUser: String?,
        fromDisplayName: String?, toUser: String?, remoteAddress: String, remotePort: Int,
        callID: String, transport: String, sdp: String?, userAgent: String?
    ) {
        self.requestURIUser = requestURIUser
        self.requestURIHost = requestURIHost
        self.fromURI = fromURI
        self.fromUser = fromUser
        self.fromDisplayName = fromDisplayName
        self.toUser = toUser
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.callID = callID
        self.transport = transport
        self.sdp = sdp
        self.userAgent = userAgent
    }
}
