import Crypto
import Foundation
import Synchronization

/// The gateway's side of SIP digest authentication (RFC 3261 §22, with
/// RFC 2617's computation, and SHA-256 as RFC 8760 adds it): it issues
/// challenges and checks the responses.
///
/// Nonces carry their own issue time and an HMAC of it, so checking one
/// needs no table of outstanding challenges: a flood of unanswered INVITEs
/// leaves nothing behind. A nonce is good for `nonceLifetime`; an older
/// one with a correct response is answered `stale=true` (RFC 2617 §3.2.1),
/// so the trunk retries with the new nonce without failing the call.
///
/// A correct answer is accepted once per nonce count (RFC 7616 §3.4.5): a
/// captured INVITE sent again with the same nonce and `nc` is challenged,
/// not admitted. Only correct answers are remembered, so the table cannot
/// be filled without the password, and it is bounded anyway.
public struct DigestChallenger: Sendable {
    /// The outcome of checking a request's Authorization.
    public enum Verdict: Sendable, Equatable {
        case authorized
        /// No usable answer (none, wrong realm or user): challenge.
        case challenge
        /// A correct answer to an expired nonce: challenge with stale=true.
        case stale
        /// A wrong password: refuse (403), and count it.
        case wrong
        /// A right answer seen before (same nonce, same or lower count): a
        /// replay; challenge afresh.
        case replayed
    }

    /// The digest algorithms we answer to, in the order we offer them. MD5
    /// comes first: many phones read only the first challenge (RFC 8760
    /// §2.4 lets a server list several; a client picks one it knows).
    public static let algorithms = ["MD5", "SHA-256"]

    public let realm: String
    public var nonceLifetime: TimeInterval = 300
    /// The HMAC key of the nonces (bytes: SymmetricKey is not Sendable).
    private let secret: [UInt8]
    /// Nonce counts of the answers accepted.
    private let counts: NonceCounts

    public init(realm: String, secret: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }) {
        self.realm = realm
        self.secret = secret
        counts = NonceCounts(capacity: 10_000)
    }

    /// The WWW-Authenticate values for a 401 (RFC 3261 §22.1), issued at
    /// `now`: one per algorithm, with the same nonce, MD5 first.
    public func challenges(now: Date, stale: Bool = false) -> [String] {
        let nonce = nonce(issued: now)
        return Self.algorithms.map { challenge(nonce: nonce, algorithm: $0, stale: stale) }
    }

    private func challenge(nonce: String, algorithm: String, stale: Bool) -> String {
        let quotedRealm = realm.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "Digest realm=\"\(quotedRealm)\", nonce=\"\(nonce)\", algorithm=\(algorithm), qop=\"auth\""
            + (stale ? ", stale=TRUE" : "")
    }

    /// Checks `authorization` of a `method` request against `credentials`.
    public func verify(_ authorization: DigestAuthorization?, method: String, credentials: SIPCredentials,
                       now: Date) -> Verdict {
        guard let a = authorization, a.realm == realm, a.username == credentials.username,
              Self.algorithms.contains(a.algorithm.uppercased()), let issued = issueTime(of: a.nonce) else { return .challenge }
        guard let expected = Self.response(to: a, method: method, credentials: credentials) else { return .challenge }
        guard Self.constantTimeEqual(expected, a.response) else { return .wrong }
        let age = now.timeIntervalSince1970 - issued
        guard age >= -5 && age <= nonceLifetime else { return .stale }
        // Without qop there is no count: such an answer is good once.
        let count = a.nonceCount.flatMap { UInt64($0, radix: 16) } ?? 0
        guard counts.accept(nonce: a.nonce, count: count, expires: issued + nonceLifetime, now: now.timeIntervalSince1970) else {
            return .replayed
        }
        return .authorized
    }

    /// The response a client knowing `credentials` sends with `a`'s
    /// parameters (RFC 2617 §3.2.2.1): MD5 of HA1, the nonce (with nc,
    /// cnonce and qop for qop=auth) and HA2; nil for a qop we do not offer.
    static func response(to a: DigestAuthorization, method: String, credentials: SIPCredentials) -> String? {
        let hash: (String) -> String
        switch a.algorithm.uppercased() {
        case "MD5": hash = md5
        case "SHA-256": hash = sha256
        default: return nil
        }
        let ha1 = hash("\(credentials.username):\(a.realm):\(credentials.password)")
        let ha2 = hash("\(method):\(a.uri)")
        switch a.qop?.lowercased() {
        case nil:
            return hash("\(ha1):\(a.nonce):\(ha2)")
        case "auth":
            guard let cnonce = a.cnonce, let nc = a.nonceCount else { return nil }
            return hash("\(ha1):\(a.nonce):\(nc):\(cnonce):auth:\(ha2)")
        default:
            return nil
        }
    }

    /// "<issue time in hex>.<HMAC of it and the realm>".
    private func nonce(issued: Date) -> String {
        let stamp = String(UInt64(max(issued.timeIntervalSince1970, 0)), radix: 16)
        return stamp + "." + signature(stamp)
    }

    /// The issue time of a nonce we made, nil for any other string.
    private func issueTime(of nonce: String) -> TimeInterval? {
        let parts = nonce.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0].count <= 16, let seconds = UInt64(parts[0], radix: 16),
              Self.constantTimeEqual(signature(parts[0]), parts[1]) else { return nil }
        return TimeInterval(seconds)
    }

    private func signature(_ stamp: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data((stamp + ":" + realm).utf8), using: SymmetricKey(data: secret))
        return Data(code).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    static func md5(_ text: String) -> String {
        Insecure.MD5.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
