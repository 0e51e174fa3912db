import Foundation

/// What a host may type under "Call a phone", turned into a request URI and
/// the trunk it goes through: a SIP address is called as it is (through
/// the trunk whose host it names, for that trunk's credentials); a phone
/// number (digits, an optional leading +, spaces, dashes, dots and brackets
/// for readability) goes to the host of the trunk that dials it. Anything
/// else is refused before a SIP message is made, so no header can be
/// smuggled in through the field.
enum DialTarget {
    static func route(for target: String, trunks: TrunkTable) throws(GatewayError) -> (uri: String, trunk: TrunkConfiguration?) {
        var dialing: TrunkConfiguration?
        let uri = try requestURI(for: target) { number in
            dialing = trunks.dialing(number: number)
            return dialing?.uri
        }
        // A number went to the trunk that dials it; a SIP address to no trunk, or the one whose host it names.
        return (uri, dialing ?? trunks.serving(host: SIPUserAgent.host(ofURI: uri)))
    }

    static func requestURI(for target: String, trunkURI: (String) -> String?) throws(GatewayError) -> String {
        let t = target.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("sip:") || t.hasPrefix("sips:") {
            let forbidden: Set<Character> = [" ", "\r", "\n", "<", ">", "\"", ","]
            guard t.count > 5, t.count <= 200, !t.contains(where: forbidden.contains),
                  t.contains("@") || t.dropFirst(4).contains(".") else {
                throw .badTarget(target)
            }
            return t
        }
        let digits = t.filter { !" -().".contains($0) }
        guard digits.count >= 3, digits.count <= 20,
              digits.enumerated().allSatisfy({ $0.element.isASCII && ($0.element.isNumber || ($0.offset == 0 && $0.element == "+")) }) else {
            throw .badTarget(target)
        }
        guard let trunkURI = trunkURI(digits), !trunkURI.isEmpty else { throw .noTrunk }
        return "sip:\(digits)@\(authority(of: trunkURI))"
    }

    /// The trunk URI without scheme and user: host, port and parameters
    /// (`sip:parley@trunk.example:5080;transport=tcp` → `trunk.example:5080;transport=tcp`).
    static func authority(of uri: String) -> String {
        var rest = Substring(uri)
        if let colon = rest.firstIndex(of: ":"), rest[..<colon].hasPrefix("sip") { rest = rest[rest.index(after: colon)...] }
        if let at = rest.firstIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return String(rest)
    }
}
