/// A username and password for SIP digest authentication (RFC 3261 §22).
public struct SIPCredentials: Sendable, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// NUTAG_AUTH syntax: `Digest:"realm":user:password` (realm keeps its quotes).
    func nuaAuth(realm: String) -> String {
        let quoted = realm.hasPrefix("\"") ? realm : "\"\(realm)\""
        return "Digest:\(quoted):\(username):\(password)"
    }
}
