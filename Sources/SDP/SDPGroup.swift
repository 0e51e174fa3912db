/// An `a=group:<semantics> <mid>…` line (RFC 5888 §5), such as `BUNDLE 0 1 2`
/// (RFC 9143).
public struct SDPGroup: Sendable, Hashable {
    /// `BUNDLE`, `LS`, …
    public var semantics: String
    /// The identification tags (mids), in order.
    public var mids: [String]

    /// Creates a group.
    public init(semantics: String, mids: [String]) {
        self.semantics = semantics
        self.mids = mids
    }

    /// Parses an `a=group` value: a token, then tokens.
    public init?(attributeValue: String) {
        let fields = SDPSyntax.fields(attributeValue)
        guard let first = fields.first, fields.allSatisfy(SDPSyntax.isToken) else { return nil }
        self.init(semantics: String(first), mids: fields.dropFirst().map(String.init))
    }

    /// The value of an `a=group` attribute.
    public var attributeValue: String { ([semantics] + mids).joined(separator: " ") }
}
