/// An `a=extmap:<id>[/<direction>] <uri> [<attributes>]` line (RFC 8285 §5).
public struct HeaderExtension: Sendable, Hashable {
    /// The local identifier, 1…255 (1…14 fit the one-byte header form).
    public var id: UInt8
    /// The extension's URI.
    public var uri: String
    /// `sendonly`, `recvonly`, `sendrecv` or `inactive` when stated.
    public var direction: String?

    /// Creates a header extension mapping.
    public init(id: UInt8, uri: String, direction: String? = nil) {
        self.id = id
        self.uri = uri
        self.direction = direction
    }

    /// Parses an `a=extmap` value. Nil unless the id is 1…255 (0 is reserved for
    /// padding and 4096-4351 are not used by browsers: RFC 8285 §5, §6), the
    /// direction is one of the four, and a URI follows. Extension attributes
    /// after the URI are allowed and ignored.
    public init?(attributeValue: String) {
        let fields = SDPSyntax.fields(attributeValue)
        guard fields.count >= 2 else { return nil }
        let idField: Substring
        var direction: String? = nil
        if let (number, dir) = SDPSyntax.split(fields[0], at: 0x2F) {
            guard Direction(rawValue: String(dir)) != nil else { return nil }
            idField = number
            direction = String(dir)
        } else {
            idField = fields[0]
        }
        guard let id = SDPSyntax.decimal(idField, as: UInt8.self), id >= 1 else { return nil }
        self.init(id: id, uri: String(fields[1]), direction: direction)
    }

    /// The value of an `a=extmap` attribute.
    public var attributeValue: String {
        if let direction { "\(id)/\(direction) \(uri)" } else { "\(id) \(uri)" }
    }
}
