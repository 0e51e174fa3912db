/// An `a=rid:<id> <send|recv> [<restrictions>]` line (RFC 8851 §4).
public struct RID: Sendable, Hashable {
    /// The RTP stream identifier: letters, digits, `-` and `_` (RFC 8851 §10).
    public var id: String
    /// `send` or `recv`.
    public var direction: String
    /// The restrictions (`pt=96;max-width=1280`) verbatim; empty when there are
    /// none.
    public var restrictions: String

    /// Creates a rid line.
    public init(id: String, direction: String, restrictions: String = "") {
        self.id = id
        self.direction = direction
        self.restrictions = restrictions
    }

    /// Parses an `a=rid` value.
    public init?(attributeValue: String) {
        let (id, rest) = SDPSyntax.firstField(attributeValue)
        let (direction, restrictions) = SDPSyntax.firstField(rest)
        guard RID.isValidID(id), direction == "send" || direction == "recv" else { return nil }
        self.init(id: String(id), direction: String(direction), restrictions: String(restrictions))
    }

    /// The value of an `a=rid` attribute.
    public var attributeValue: String {
        restrictions.isEmpty ? "\(id) \(direction)" : "\(id) \(direction) \(restrictions)"
    }

    /// `rid-syntax` of RFC 8851 §10: `1*(alpha-numeric / "-" / "_")`.
    static func isValidID(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x5F: true
            default: false
            }
        }
    }
}
