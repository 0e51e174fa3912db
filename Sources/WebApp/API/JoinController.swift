import Crypto
import Foundation
import Hummingbird
import Store

/// Entering a meeting by its link: what the pre-join page shows, and the
/// check (sign-in requirement, passcode) that admits a person.
struct JoinController {
    let services: AppServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/api/v1/join/:code", use: info)
        router.post("/api/v1/join/:code", use: join)
    }

    struct JoinInfo: Encodable {
        var code: String
        var title: String
        var host: UserSummary
        var requireSignIn: Bool
        var hasPasscode: Bool
        var isLobbyEnabled: Bool
    }

    struct JoinInput: Decodable {
        var displayName: String?
        var passcode: String?
    }

    struct JoinResult: Encodable {
        var meetingId: String
        var code: String
        var title: String
        var displayName: String
        var role: String
        var joinToken: String
    }

    private func meeting(_ context: AppRequestContext) async throws -> MeetingRecord {
        let code = (context.parameters.get("code") ?? "").lowercased()
        guard MeetingCodes.isWellFormed(code), let meeting = try await services.store.meeting(code: code),
            meeting.cancelledAt == nil
        else {
            throw APIError(.notFound, "not_found", "There is no meeting at this link. Check the link with whoever sent it.")
        }
        return meeting
    }

    @Sendable func info(_ request: Request, context: AppRequestContext) async throws -> Response {
        let meeting = try await meeting(context)
        guard let host = try await services.store.user(id: meeting.hostId) else { throw APIError.notFound("The meeting") }
        return try .json(
            JoinInfo(
                code: meeting.code, title: meeting.title, host: UserSummary(host), requireSignIn: meeting.requireSignIn,
                hasPasscode: meeting.passcode != nil, isLobbyEnabled: meeting.lobbyEnabled))
    }

    @Sendable func join(_ request: Request, context: AppRequestContext) async throws -> Response {
        let meeting = try await meeting(context)
        let input = try await request.decodeJSON(JoinInput.self, context: context)
        let user = context.user
        if meeting.requireSignIn && user == nil {
            throw APIError(.unauthorized, "sign_in_required", "The host asks everyone to sign in before joining this meeting.")
        }
        let displayName: String
        if let name = input.displayName, !name.trimmingCharacters(in: .whitespaces).isEmpty {
            displayName = try Validation.text(name, field: "displayName", label: "Your name", min: 1, max: 64)
        } else if let user {
            displayName = user.displayName
        } else {
            throw APIError.validation("displayName", "Tell the others your name.")
        }
        let isHost = user?.id == meeting.hostId
        if let passcode = meeting.passcode, !isHost {
            let address = context.remoteAddress?.ipAddress ?? "unknown"
            let key = "passcode:\(meeting.code)"
            if let wait = await services.passcodeLimiter.retryAfter(account: key, address: address) {
                var error = APIError(
                    .tooManyRequests, "rate_limited",
                    "Too many wrong passcodes. Try again in \(AuthController.describe(seconds: wait)).")
                error.headers[.retryAfter] = String(wait)
                throw error
            }
            guard let given = input.passcode, given.count <= 32, constantTimeEqual(given, passcode) else {
                await services.passcodeLimiter.recordFailure(account: key, address: address)
                throw APIError(.forbidden, "wrong_passcode", input.passcode == nil ? "This meeting needs a passcode." : "That passcode is not right.", field: "passcode")
            }
        }
        let role = isHost ? "host" : (user == nil ? "guest" : "participant")
        let token = JoinToken(
            meetingId: meeting.id, userId: user?.id, displayName: displayName, role: role,
            expiresAt: Timestamp.now + 5 * 60_000
        ).signed(with: services.joinTokenKey)
        return try .json(
            JoinResult(
                meetingId: meeting.id, code: meeting.code, title: meeting.title, displayName: displayName, role: role,
                joinToken: token))
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Proof, for the live room, that a person passed the join checks: a
/// base64url JSON payload and its HMAC-SHA256, valid for a few minutes.
struct JoinToken: Codable, Equatable {
    var meetingId: String
    var userId: String?
    var displayName: String
    var role: String
    var expiresAt: Int

    func signed(with key: Data) -> String {
        let payload = Self.base64URL((try? JSONEncoder.api.encode(self)) ?? Data())
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: key))
        return payload + "." + Self.base64URL(Data(mac))
    }

    /// The token's claims if the signature holds and it has not expired.
    static func verify(_ token: String, key: Data, now: Int = Timestamp.now) -> JoinToken? {
        let parts = token.split(separator: ".")
        guard parts.count == 2, let mac = data(fromBase64URL: String(parts[1])),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(parts[0].utf8), using: SymmetricKey(data: key)),
            let json = data(fromBase64URL: String(parts[0])),
            let claims = try? JSONDecoder().decode(JoinToken.self, from: json), claims.expiresAt > now
        else { return nil }
        return claims
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(fromBase64URL text: String) -> Data? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}
