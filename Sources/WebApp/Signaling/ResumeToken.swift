import Crypto
import Foundation
import Rooms
import Store

/// What lets a participant whose connection dropped come back as themselves
/// (Docs/signaling.md, "Staying in the meeting"): same participant id, same
/// role. Signed like the join token and kept by the browser only; the server
/// keeps no table of them, so one issued before a restart still verifies
/// after it (the key is in the database).
///
/// It is short-lived and re-issued with every `pong` (about every 5 s), so a
/// token that leaks is soon useless; a person a host removed is refused by
/// the room however fresh their token is.
struct ResumeToken: Codable, Equatable {
    var meetingId: String
    var participantId: String
    var userId: String?
    var displayName: String
    var role: ParticipantRole
    var expiresAt: Int

    /// How long a token stays good after it was issued, beyond the grace
    /// period: time for a restarted server to come back.
    static let slackMilliseconds = 60_000

    func signed(with key: Data) -> String {
        // A different prefix from the join token's payload, so neither
        // token is ever taken for the other.
        let payload = "r1." + JoinToken.base64URL((try? JSONEncoder.api.encode(self)) ?? Data())
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: key))
        return payload + "." + JoinToken.base64URL(Data(mac))
    }

    /// The token's claims if the signature holds and it has not expired.
    static func verify(_ token: String, key: Data, now: Int = Timestamp.now) -> ResumeToken? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "r1", let mac = JoinToken.data(fromBase64URL: String(parts[2])) else { return nil }
        let payload = parts[0] + "." + parts[1]
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(payload.utf8), using: SymmetricKey(data: key)),
            let json = JoinToken.data(fromBase64URL: String(parts[1])),
            let claims = try? JSONDecoder().decode(ResumeToken.self, from: json), claims.expiresAt > now
        else { return nil }
        return claims
    }
}
