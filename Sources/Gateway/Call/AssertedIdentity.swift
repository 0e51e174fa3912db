import Foundation

/// The caller a trunk vouches for (RFC 3325 §9.1, P-Asserted-Identity):
/// `"Alice" <sip:+15551234567@trunk.example>` or `<tel:+15551234567>`.
/// Preferred over From for the caller's name and number, which a PBX or a
/// trunk may have rewritten or withheld.
struct AssertedIdentity: Equatable {
    var displayName: String?
    var user: String?

    init(displayName: String?, user: String?) {
        self.displayName = displayName
        self.user = user
    }

    /// The first identity of a header value (it may list a sip: and a tel:
    /// one, RFC 3325 §9.1); nil when it names no one.
    init?(headerValue: String) {
        var rest = Substring(headerValue.trimmingCharacters(in: .whitespaces))
        var name: String?
        if rest.hasPrefix("\"") {
            let afterQuote = rest.index(after: rest.startIndex)
            guard let close = rest[afterQuote...].firstIndex(of: "\"") else { return nil }
            name = String(rest[afterQuote..<close])
            rest = rest[rest.index(after: close)...]
        } else if let open = rest.firstIndex(of: "<"), open != rest.startIndex {
            name = rest[..<open].trimmingCharacters(in: .whitespaces)
            rest = rest[open...]
        }
        var uri = rest.trimmingCharacters(in: .whitespaces)
        if uri.hasPrefix("<"), let close = uri.firstIndex(of: ">") {
            uri = String(uri[uri.index(after: uri.startIndex)..<close])
        } else if let comma = uri.firstIndex(of: ",") {
            uri = String(uri[..<comma])
        }
        let lower = uri.lowercased()
        var user: Substring?
        if lower.hasPrefix("sip:") || lower.hasPrefix("sips:") {
            let body = uri[uri.index(after: uri.firstIndex(of: ":")!)...]
            user = body.firstIndex(of: "@").map { body[..<$0] }
        } else if lower.hasPrefix("tel:") {
            let body = uri.dropFirst(4)
            user = body.split(separator: ";", maxSplits: 1).first
        }
        let cleanedUser = user.map { String($0.split(separator: ";", maxSplits: 1).first ?? "") }.flatMap { $0.isEmpty ? nil : $0 }
        let cleanedName = name.flatMap { $0.isEmpty ? nil : $0 }
        guard cleanedName != nil || cleanedUser != nil else { return nil }
        displayName = cleanedName
        self.user = cleanedUser
    }
}
