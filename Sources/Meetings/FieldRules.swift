import Foundation

/// The checks every text and number a person enters goes through, as
/// meeting rules (`MeetingError` names the field).
public enum FieldRules {
    /// Trims surrounding white space and checks length and content: no
    /// control characters except newlines and tabs where `multiline` allows.
    public static func text(
        _ value: String, field: String, label: String, min: Int = 0, max: Int, multiline: Bool = false
    ) throws(MeetingError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        let count = trimmed.count
        if count < min {
            throw MeetingError(field, min <= 1 ? "\(label) is required." : "\(label) needs at least \(min) characters.")
        }
        if count > max {
            throw MeetingError(field, "\(label) can be at most \(max) characters.")
        }
        for scalar in trimmed.unicodeScalars where scalar.properties.generalCategory == .control {
            if multiline && (scalar == "\n" || scalar == "\t" || scalar == "\r") { continue }
            throw MeetingError(field, "\(label) contains characters that are not allowed.")
        }
        return trimmed
    }

    /// A whole number within `range`.
    public static func int(_ value: Int, field: String, label: String, range: ClosedRange<Int>) throws(MeetingError) -> Int {
        guard range.contains(value) else {
            throw MeetingError(field, "\(label) must be from \(range.lowerBound) to \(range.upperBound).")
        }
        return value
    }
}
