import Foundation

/// How a caller appears on the room's phone tile: the display name their
/// phone sends, else their number, masked unless configured otherwise, so a
/// room of strangers does not learn everyone's phone number.
enum CallerName {
    static func make(displayName: String?, user: String?, mask: Bool) -> String {
        if let name = displayName?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty,
           name.count <= 80, !looksLikeNumber(name) {
            return name
        }
        let number = (user ?? "").trimmingCharacters(in: .whitespaces)
        guard !number.isEmpty, number.lowercased() != "anonymous" else { return "Phone caller" }
        guard looksLikeNumber(number) else { return String(number.prefix(40)) }
        return mask ? masked(number) : number
    }

    static func looksLikeNumber(_ s: String) -> Bool {
        let digits = s.filter(\.isNumber).count
        return digits >= 3 && s.allSatisfy { $0.isNumber || "+-() .".contains($0) }
    }

    /// "+15551234567" → "+1555•••4567": the last four digits show who it is
    /// to someone who knows them, nothing more.
    static func masked(_ number: String) -> String {
        let digits = Array(number.filter(\.isNumber))
        guard digits.count > 6 else { return "Phone ••" + String(digits.suffix(2)) }
        let prefix = number.hasPrefix("+") ? "+" : ""
        return prefix + String(digits.prefix(4)) + "•••" + String(digits.suffix(4))
    }
}
