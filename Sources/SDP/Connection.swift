/// A `c=` line (RFC 8866 §5.7): `c=<nettype> <addrtype> <connection-address>`.
public struct Connection: Sendable, Equatable {
    /// `IN`.
    public var netType: String
    /// `IP4` or `IP6`.
    public var addressType: String
    /// The address, verbatim (a multicast address keeps its `/ttl/count`).
    public var address: String

    /// Creates a connection line.
    public init(netType: String = "IN", addressType: String = "IP4", address: String) {
        self.netType = netType
        self.addressType = addressType
        self.address = address
    }

    /// `IN IP4 <address>` or `IN IP6 <address>` for a literal address (IPv6 when
    /// it contains a colon).
    public init(address: String) {
        self.init(addressType: address.utf8.contains(0x3A) ? "IP6" : "IP4", address: address)
    }

    /// Parses the text after `c=`: exactly three fields.
    init?(value: String) {
        let fields = SDPSyntax.fields(value)
        guard fields.count == 3 else { return nil }
        self.init(netType: String(fields[0]), addressType: String(fields[1]), address: String(fields[2]))
    }

    /// The text after `c=`.
    public var value: String { "\(netType) \(addressType) \(address)" }
}
