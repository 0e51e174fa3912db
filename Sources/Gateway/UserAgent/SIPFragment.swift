import Foundation

/// The status line of a `message/sipfrag` body (RFC 3420), as a phone
/// reports a transfer's progress in its NOTIFYs (RFC 3515 §2.4.5):
/// `SIP/2.0 180 Ringing`.
struct SIPFragment: Equatable {
    let status: Int
    let phrase: String

    init(status: Int, phrase: String) {
        self.status = status
        self.phrase = phrase
    }

    /// Nil unless the first line is a SIP/2.0 status line with a 3-digit code.
    init?(_ body: String) {
        let first = body.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let parts = first.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].uppercased() == "SIP/2.0", parts[1].count == 3,
              let status = Int(parts[1]), (100...699).contains(status) else { return nil }
        self.status = status
        self.phrase = parts.count > 2 ? String(parts[2].prefix(80)) : ""
    }
}
