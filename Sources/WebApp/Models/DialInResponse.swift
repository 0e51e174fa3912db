import Foundation
import Settings

/// How to join a meeting by phone, as the API shows it beside the meeting:
/// the code, the numbers that reach the gateway (with tel: links that dial
/// the code after a pause, as Meet and Zoom invitations do) and the SIP
/// address. Nil when the phone gateway is off.
struct DialInResponse: Encodable, Equatable {
    struct Number: Encodable, Equatable {
        /// As the operator wrote it, e.g. "+1 555 0100".
        var number: String
        /// RFC 3966 `tel:` URI with the code dialled after two pauses
        /// (",," is the de-facto pause of phone dialers) and "#".
        var tel: String
    }

    var code: String
    var numbers: [Number]
    /// sip:<code>@<domain> (the default dialplan joins such a call directly).
    var sipUri: String

    /// Nil when SIP is off.
    init?(_ configuration: ParleyConfiguration, code: String) {
        guard let address = configuration.sip.address else { return nil }
        self.code = code
        numbers = configuration.sip.dialInNumbers.map { number in
            // RFC 3966 §5.1: a global number is "+" and digits; visual separators dropped.
            let dialable = (number.hasPrefix("+") ? "+" : "") + number.filter(\.isNumber)
            return Number(number: number, tel: "tel:\(dialable),,\(code)#")
        }
        var domain = configuration.sip.dialInDomain
        if domain.isEmpty {
            domain = URL(string: configuration.publicOrigin)?.host ?? address.host
            if address.port != 5060 { domain += ":\(address.port)" }
        }
        sipUri = "sip:\(code)@\(domain)"
    }

    /// Lines for a calendar invitation's description.
    var invitationText: String {
        var lines = numbers.map { "Dial in: \($0.number), then the code \(code)# (\($0.tel))" }
        lines.append("SIP: \(sipUri)")
        if numbers.isEmpty { lines.insert("Dial-in code: \(code)", at: 0) }
        return lines.joined(separator: "\n")
    }
}
