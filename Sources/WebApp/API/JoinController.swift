import Crypto
import Foundation
import Hummingbird
import Meetings
import Rooms
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
        /// What a phone caller types to join: anyone with the link may join
        /// by phone too (a passcode, if set, still applies).
        var dialInCode: String
        /// Numbers and SIP address to dial; null when the phone gateway is off.
        @NullEncoded var dialIn: DialInResponse?
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
        var role: ParticipantRole
        var joinToken: String
    }

    private func meeting(_ context: AppRequestContext) async throws -> MeetingRecord {
        let code = (context.parameters.get("code") ?? "").lowercased()
        guard MeetingCodes.isWellFormed(code), let meeting = try await services.store.meeting(code: code) else {
            throw APIError(AdmissionRefusal.notFound)
        }
        // A cancelled meeting answers like a missing one (Admission's first rule).
        if AdmissionMeeting(meeting).isCancelled { throw APIError(AdmissionRefusal.notFound) }
        return meeting
    }

    @Sendable func info(_ request: Request, context: AppRequestContext) async throws -> Response {
        let meeting = try await meeting(context)
        guard let host = try await services.store.user(id: meeting.hostId) else { throw APIError.notFound("The meeting") }
        return try .json(
            JoinInfo(
                code: meeting.code, title: meeting.title, host: UserSummary(host), requireSignIn: meeting.requireSignIn,
                hasPasscode: meeting.passcode != nil, isLobbyEnabled: meeting.lobbyEnabled, dialInCode: meeting.dialInCode,
                dialIn: DialInResponse(services.configuration, code: meeting.dialInCode)))
    }

    /// Parse → `Admission.decide` → encode. The answers keep their order:
    /// a refusal no passcode can lift (404, 401) before the name (422), the
    /// rate limit (429) before the passcode (403).
    @Sendable func join(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await meeting(context)
        let meeting = AdmissionMeeting(record)
        let input = try await request.decodeJSON(JoinInput.self, context: context)
        let user = context.user
        let entrant = Entrant.browser(userID: user?.id)
        if let refusal = Admission.refusalBeforePasscode(meeting, entrant: entrant) { throw APIError(refusal) }
        let displayName: String
        if let name = input.displayName, !name.trimmingCharacters(in: .whitespaces).isEmpty {
            displayName = try Validation.text(name, field: "displayName", label: "Your name", min: 1, max: 64)
        } else if let user {
            displayName = user.displayName
        } else {
            throw APIError.validation("displayName", "Tell the others your name.")
        }
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        let limiterKey = "passcode:\(record.code)"
        if Admission.asksPasscode(meeting, of: entrant),
            let wait = await services.passcodeLimiter.retryAfter(account: limiterKey, address: address) {
            var error = APIError(
                .tooManyRequests, "rate_limited",
                "Too many wrong passcodes. Try again in \(AuthController.describe(seconds: wait)).")
            error.headers[.retryAfter] = String(wait)
            throw error
        }
        let role: ParticipantRole
        switch Admission.decide(meeting, entrant: entrant, passcode: input.passcode) {
        case .admit(let admitted, _):
            role = admitted
        case .refuse(let refusal):
            if refusal == .passcodeRequired || refusal == .wrongPasscode {
                await services.passcodeLimiter.recordFailure(account: limiterKey, address: address)
            }
            throw APIError(refusal)
        }
        let token = JoinToken(
            meetingId: record.id, userId: user?.id, displayName: displayName, role: role,
            expiresAt: Timestamp.now + 5 * 60_000
        ).signed(with: services.joinTokenKey)
        return try .json(
            JoinResult(
                meetingId: record.id, code: record.code, title: record.title, displayName: displayName, role: role,
                joinToken: token))
    }
}

/// Proof, for the live room, that a person passed the join checks: a
/// base64url JSON payload and its HMAC-SHA256, valid for a few minutes.
struct JoinToken: Codable, Equatable {
    var meetingId: String
    var userId: String?
    var displayName: String
    /// The role the join checks granted (`Admission.role`); encoded as its raw value.
    var role: ParticipantRole
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
