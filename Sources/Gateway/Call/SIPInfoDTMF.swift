import Foundation

/// A key pressed on a phone that sends DTMF in SIP INFO requests instead of
/// RTP events: `application/dtmf-relay` ("Signal=5\r\nDuration=160", the
/// Cisco form most phones and PBXs use) or `application/dtmf` (the key alone).
/// Signal 10 and 11 are * and # in the numeric form some phones send.
enum SIPInfoDTMF {
    static let keys: Set<Character> = Set("0123456789*#ABCDabcd")

    /// The key an INFO carries, nil for any other INFO.
    static func key(contentType: String?, body: String?) -> Character? {
        guard let type = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased(),
              let body else { return nil }
        let value: Substring
        switch type {
        case "application/dtmf-relay":
            guard let line = body.split(whereSeparator: \.isNewline).first(where: {
                $0.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("signal")
            }), let equals = line.firstIndex(of: "=") else { return nil }
            value = line[line.index(after: equals)...]
        case "application/dtmf":
            value = Substring(body)
        default:
            return nil
        }
        let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
        switch text {
        case "10": return "*"
        case "11": return "#"
        default:
            guard text.count == 1, let key = text.first, keys.contains(key) else { return nil }
            return Character(key.uppercased())
        }
    }
}
