/// Why a date, rule or series was rejected, worded for the person who typed it.
///
/// Parsers and `MeetingSeries.validate()` throw this instead of trapping, so the
/// server can return it as a 400 with the message shown next to the offending field.
public struct SchedulingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A sentence for the user, e.g. "The interval must be between 1 and 99."
    public var message: String
    /// The input it is about (`start`, `interval`, `count`, `until`, `byWeekday`,
    /// `monthlyBy`, `durationMinutes`, `overrides`, `rule`), or nil when a parser
    /// can't know which form field it was given.
    public var field: String?

    /// Creates an error with a user-facing message and optional field name.
    public init(message: String, field: String? = nil) {
        self.message = message
        self.field = field
    }

    /// "field: message", or just the message when no field is known.
    public var description: String {
        if let field { return "\(field): \(message)" }
        return message
    }

    /// A short, printable excerpt of rejected input for error messages: never echoes
    /// control characters or unbounded text back to the user or into logs.
    static func quote(_ text: String, limit: Int = 40) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit { out += "…"; break }
            let printable = scalar.value >= 0x20 && scalar.value != 0x7F
                && !(0x80...0x9F).contains(scalar.value)
            out.unicodeScalars.append(printable ? scalar : "?")
            count += 1
        }
        return "\"\(out)\""
    }
}
