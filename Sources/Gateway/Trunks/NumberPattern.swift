/// A telephone number, or a prefix of numbers ending in `*`, compared on
/// its digits: "+1 555-0100" and "15550100" are the same number, since
/// trunks differ in whether they send the leading "+".
public struct NumberPattern: Sendable, Equatable, CustomStringConvertible {
    /// The digits to match (no "+", no spaces).
    public let digits: String
    /// A prefix ("+1*"), or a whole number.
    public let isPrefix: Bool

    public init(_ text: String) {
        isPrefix = text.hasSuffix("*")
        digits = Self.digits(of: text)
    }

    /// The digits of a dialled or written number.
    public static func digits(of text: some StringProtocol) -> String {
        String(text.filter { $0.isASCII && $0.isNumber })
    }

    /// How many digits of `number` it matches, or nil when it does not
    /// match: the longer the match, the more specific the pattern.
    public func match(_ number: String) -> Int? {
        let dialled = Self.digits(of: number)
        guard !dialled.isEmpty else { return nil }
        if isPrefix { return dialled.hasPrefix(digits) ? digits.count : nil }
        return dialled == digits ? digits.count + 1 : nil
    }

    public var description: String { isPrefix ? digits + "*" : digits }
}
