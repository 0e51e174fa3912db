/// The `o=` line (RFC 8866 §5.2):
/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`.
public struct Origin: Sendable, Equatable {
    /// The user's login on the originating host, or `-`.
    public var username: String
    /// A numeric session identifier (RFC 8866 §5.2 recommends an NTP timestamp;
    /// browsers use a random 62-bit number).
    public var sessionID: UInt64
    /// Incremented on every change to the description (RFC 3264 §8).
    public var sessionVersion: UInt64
    /// `IN`.
    public var netType: String
    /// `IP4` or `IP6`.
    public var addressType: String
    /// The address of the originating host, verbatim.
    public var address: String

    /// Creates an origin line.
    public init(username: String = "-", sessionID: UInt64, sessionVersion: UInt64,
                netType: String = "IN", addressType: String = "IP4", address: String = "127.0.0.1") {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.netType = netType
        self.addressType = addressType
        self.address = address
    }

    /// Parses the text after `o=`: exactly six fields.
    init?(value: String) {
        let fields = SDPSyntax.fields(value)
        guard fields.count == 6,
              let id = SDPSyntax.decimal(fields[1], as: UInt64.self),
              let version = SDPSyntax.decimal(fields[2], as: UInt64.self)
        else { return nil }
        self.init(username: String(fields[0]), sessionID: id, sessionVersion: version,
                  netType: String(fields[3]), addressType: String(fields[4]), address: String(fields[5]))
    }

    /// The text after `o=`.
    public var value: String {
        "\(username) \(sessionID) \(sessionVersion) \(netType) \(addressType) \(address)"
    }
}
