/// The Authorization header of a request answering our digest challenge
/// (RFC 3261 §22.4, RFC 2617 §3.2.2), as its parameters.
public struct DigestAuthorization: Sendable, Equatable {
    public var username: String
    public var realm: String
    public var nonce: String
    public var uri: String
    public var response: String
    public var algorithm: String
    public var qop: String?
    public var cnonce: String?
    public var nonceCount: String?

    /// `Digest username="gw", realm="parley", nonce="…", uri="sip:…", response="…"`;
    /// nil when it is not a digest with the parameters a response needs.
    public init?(headerValue: String) {
        let text = headerValue.trimmingCharacters(in: .whitespaces)
        guard text.count <= 2048, text.lowercased().hasPrefix("digest ") else { return nil }
        let params = Self.parameters(text.dropFirst(7))
        guard let username = params["username"], let realm = params["realm"], let nonce = params["nonce"],
              let uri = params["uri"], let response = params["response"] else { return nil }
        self.username = username
        self.realm = realm
        self.nonce = nonce
        self.uri = uri
        self.response = response.lowercased()
        algorithm = params["algorithm"] ?? "MD5"
        qop = params["qop"]
        cnonce = params["cnonce"]
        nonceCount = params["nc"]
    }

    /// `name=value` pairs separated by commas; values may be quoted strings
    /// with backslash escapes (RFC 3261 §25.1 quoted-string).
    static func parameters(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var name = ""
        var value = ""
        var inValue = false
        var quoted = false
        var escaped = false
        func finish() {
            let key = name.trimmingCharacters(in: .whitespaces).lowercased()
            if !key.isEmpty, result[key] == nil { result[key] = value.trimmingCharacters(in: .whitespaces) }
            name = ""
            value = ""
            inValue = false
        }
        for character in text {
            if quoted {
                if escaped {
                    value.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    quoted = false
                } else {
                    value.append(character)
                }
            } else if character == "," {
                finish()
            } else if !inValue {
                if character == "=" { inValue = true } else { name.append(character) }
            } else if character == "\"" {
                quoted = true
            } else {
                value.append(character)
            }
        }
        finish()
        return result
    }
}
