/// An `a=ssrc:<ssrc> <attribute>[:<value>]` line (RFC 5576 §4.1), such as
/// `a=ssrc:1234 cname:abc` or `a=ssrc:1234 msid:stream track`.
public struct SSRCAttribute: Sendable, Hashable {
    /// The source.
    public var ssrc: UInt32
    /// The source attribute's name (`cname`, `msid`).
    public var name: String
    /// The text after the colon, verbatim; nil when there is none.
    public var value: String?

    /// Creates a source attribute.
    public init(ssrc: UInt32, name: String, value: String?) {
        self.ssrc = ssrc
        self.name = name
        self.value = value
    }

    /// Parses an `a=ssrc` value: a 32-bit decimal, a space, a token and an
    /// optional `:value`.
    public init?(attributeValue: String) {
        let (number, rest) = SDPSyntax.firstField(attributeValue)
        guard let ssrc = SDPSyntax.decimal(number, as: UInt32.self) else { return nil }
        let name: Substring, value: Substring?
        if let (n, v) = SDPSyntax.split(rest, at: 0x3A) {
            name = n
            value = v
        } else {
            name = rest
            value = nil
        }
        guard SDPSyntax.isToken(name) else { return nil }
        self.init(ssrc: ssrc, name: String(name), value: value.map(String.init))
    }

    /// The value of an `a=ssrc` attribute.
    public var attributeValue: String {
        if let value { "\(ssrc) \(name):\(value)" } else { "\(ssrc) \(name)" }
    }
}
