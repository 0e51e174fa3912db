/// An `a=ssrc-group:<semantics> <ssrc>…` line (RFC 5576 §4.2), such as
/// `FID <media> <rtx>` (RFC 4588 §8.3) or `SIM`.
public struct SSRCGroup: Sendable, Hashable {
    /// `FID`, `FEC-FR`, `SIM`, …
    public var semantics: String
    /// The sources, in order.
    public var ssrcs: [UInt32]

    /// Creates a group.
    public init(semantics: String, ssrcs: [UInt32]) {
        self.semantics = semantics
        self.ssrcs = ssrcs
    }

    /// Parses an `a=ssrc-group` value: a token and at least one 32-bit SSRC.
    public init?(attributeValue: String) {
        let fields = SDPSyntax.fields(attributeValue)
        guard fields.count >= 2, SDPSyntax.isToken(fields[0]) else { return nil }
        var ssrcs: [UInt32] = []
        ssrcs.reserveCapacity(fields.count - 1)
        for field in fields.dropFirst() {
            guard let ssrc = SDPSyntax.decimal(field, as: UInt32.self) else { return nil }
            ssrcs.append(ssrc)
        }
        self.init(semantics: String(fields[0]), ssrcs: ssrcs)
    }

    /// The value of an `a=ssrc-group` attribute.
    public var attributeValue: String {
        ([semantics] + ssrcs.map(String.init)).joined(separator: " ")
    }
}
