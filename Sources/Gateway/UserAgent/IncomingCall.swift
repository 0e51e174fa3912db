import Foundation

/// What the gateway needs to know about a new INVITE to route (or refuse) it.
public struct IncomingCall: Sendable, Equatable {
    /// At most this many extension headers are kept, each value at most 256
    /// characters: routing and display need a few short ones.
    public static let maximumHeaders = 16

    /// "Name: value" lines as sofia hands them over, as `headers`.
    public static func headers(fromLines text: String) -> [String: String] {
        var headers: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = String(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces).prefix(256))
            guard !name.isEmpty else { continue }
            if let existing = headers[name] {
                headers[name] = String((existing + ", " + value).prefix(256))
            } else if headers.count < maximumHeaders {
                headers[name] = value
            }
        }
        return headers
    }

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
    /// "udp", "tcp" or "tls".
    public var transport: String
    /// The offer; nil for an offer-less INVITE (we offer in the 200, RFC 3264 §5).
    public var sdp: String?
    public var userAgent: String?
    /// Extension headers (X-Meeting, P-Asserted-Identity, …) by lower-cased
    /// name; a header given twice has its values joined with ", " (RFC 3261 §7.3.1).
    public var headers: [String: String]
    /// The Authorization header, answering our digest challenge (RFC 3261 §22.4).
    public var authorization: String?
    /// The trunk it came through, once the gateway has decided (nil: a direct call).
    public var trunk: String?

    public init(
        requestURIUser: String?, requestURIHost: String?, fromURI: String, fromUser: String?,
        fromDisplayName: String?, toUser: String?, remoteAddress: String, remotePort: Int,
        callID: String, transport: String, sdp: String?, userAgent: String?, headers: [String: String] = [:]
    ) {
        self.headers = headers
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
