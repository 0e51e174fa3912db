import Foundation

/// What hosts and co-hosts see about a caller beyond the name everyone sees
/// (`JoinRequest.attributes`): the caller's number or SIP address (as the
/// trunk asserts it, RFC 3325, else From; shown in full even where
/// `sip.mask_caller_numbers` masks the name), and the SIP headers the
/// operator chose (`sip.caller_headers`, e.g. an `X-Customer-ID` a contact
/// centre's PBX adds).
enum CallerAttributes {
    /// At most this many characters of a value.
    static let maximumValueLength = 120

    static func make(headers: [String: String], chosen: [String], asserted: AssertedIdentity?,
                     fromUser: String?, fromURI: String) -> [String: String] {
        var attributes: [String: String] = [:]
        if let user = asserted?.user ?? fromUser, !user.isEmpty, isNumber(user) {
            attributes["Number"] = clean(user)
        } else if !fromURI.isEmpty {
            attributes["SIP address"] = clean(fromURI)
        }
        for name in chosen {
            let key = name.trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, let value = headers[key.lowercased()], !value.isEmpty else { continue }
            attributes[key] = clean(value)
        }
        return attributes
    }

    /// A telephone number as people write them (RFC 3966's visual separators).
    static func isNumber(_ user: String) -> Bool {
        let digits = user.filter(\.isNumber).count
        return digits >= 3 && user.allSatisfy { $0.isNumber || "+-.() ".contains($0) }
    }

    /// Printable, single-line, bounded.
    static func clean(_ value: String) -> String {
        String(value.unicodeScalars.filter { !$0.properties.generalCategory.isControl }.map(Character.init)
            .prefix(maximumValueLength)).trimmingCharacters(in: .whitespaces)
    }
}

private extension Unicode.GeneralCategory {
    var isControl: Bool { self == .control || self == .format || self == .lineSeparator || self == .paragraphSeparator }
}
