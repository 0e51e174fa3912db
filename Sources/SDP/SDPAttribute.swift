/// One `a=` line (RFC 8866 §5.13): `a=<name>` (a property attribute) or
/// `a=<name>:<value>` (a value attribute). The value is kept verbatim.
public struct SDPAttribute: Sendable, Equatable {
    /// The attribute name, a `token`.
    public var name: String
    /// The text after the first colon; nil for a property attribute. An empty
    /// string (`a=name:`) is distinct from nil.
    public var value: String?

    /// Creates an attribute.
    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// Creates an attribute.
    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }

    /// The text after `a=`.
    public var text: String {
        if let value { "\(name):\(value)" } else { name }
    }
}

extension Array where Element == SDPAttribute {
    /// The value of the first attribute with this name (nil when absent or when
    /// it has no value).
    func firstValue(_ name: String) -> String? {
        first { $0.name == name }?.value
    }

    /// Whether an attribute with this name is present.
    func contains(_ name: String) -> Bool {
        contains { $0.name == name }
    }

    /// The values of all attributes with this name, in order (property
    /// attributes are skipped).
    func values(_ name: String) -> [String] {
        compactMap { $0.name == name ? $0.value : nil }
    }
}
