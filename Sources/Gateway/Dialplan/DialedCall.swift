/// What a caller dialled, as the dialplan sees it: the user parts of the
/// INVITE's URIs (no `sip:`, no host, no parameters).
public struct DialedCall: Sendable, Equatable {
    /// The Request-URI user (`123456` in `sip:123456@parley.example`).
    public var user: String
    /// The To user; on a trunk, the number the caller dialled (the DID).
    public var to: String
    /// The From user (`anonymous` for a withheld caller id, RFC 3323 §4.1.1.3).
    public var from: String
    /// The INVITE's other headers by lower-cased name (extension headers such
    /// as X-Meeting, P-Asserted-Identity), for `header NAME` rules.
    public var headers: [String: String]

    /// Creates a call.
    public init(user: String, to: String, from: String, headers: [String: String] = [:]) {
        self.user = user
        self.to = to
        self.from = from
        self.headers = headers
    }
}
