import Crypto
import Foundation

/// Time-limited TURN credentials in the "TURN REST API" scheme
/// (draft-uberti-behave-turn-rest-00 §2.2) that coturn implements with
/// `use-auth-secret` and `static-auth-secret`: the username is
/// "<expiry in Unix seconds>:<user id>" and the password is
/// base64(HMAC-SHA1(secret, username)). coturn recomputes the password from
/// the shared secret and refuses the username once its time has passed, so
/// Parley never has to tell coturn about users.
public struct TURNCredentials: Hashable, Sendable, Codable {
    /// "<expiry unix seconds>:<user id>", the `username` of an RTCIceServer.
    public var username: String
    /// base64(HMAC-SHA1(secret, username)), the `credential` of an RTCIceServer.
    public var password: String
    /// When coturn stops accepting the credentials (whole seconds).
    public var expiresAt: Date

    /// Credentials as they are.
    public init(username: String, password: String, expiresAt: Date) {
        self.username = username
        self.password = password
        self.expiresAt = expiresAt
    }

    /// Credentials for `user` that expire `lifetime` after `now`, rounded down
    /// to a whole second (coturn compares Unix seconds). `user` should not
    /// contain ":", coturn's default separator.
    public static func make(secret: String, user: String, lifetime: Duration,
                            now: Date = Date()) -> TURNCredentials {
        let expiry = Int64(now.timeIntervalSince1970.rounded(.down)) + lifetime.components.seconds
        let username = "\(expiry):\(user)"
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(username.utf8),
                                                        using: SymmetricKey(data: Data(secret.utf8)))
        return TURNCredentials(username: username, password: Data(mac).base64EncodedString(),
                               expiresAt: Date(timeIntervalSince1970: TimeInterval(expiry)))
    }
}
