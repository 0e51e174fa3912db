import Foundation
import Testing
@testable import WebApp

/// Staying in the meeting through the signaling socket: the resume token
/// from `joined` (and every `pong`) brings a dropped participant back as
/// themselves; tokens are checked like join tokens.
@Suite struct ResumeAPITests {
    @Test func aDroppedSocketResumesAsTheSameParticipant() async throws {
        try await TestApp.run { h in
            let ann = try await h.signUp("ann")
            let meeting = try await h.call(.post, "/api/v1/meetings", as: ann, json: ["title": "Resume"])
            let code = try #require(meeting["code"] as? String)
            let (annSignal, annJoined) = try await h.joinRoom(code: code, as: ann)
            let gus = try await h.openSignal()
            try await gus.sendJSON(["type": "join", "token": try await h.joinToken(code: code, guest: "Gus")])
            let gusJoined = try await gus.next(timeout: 5) { $0["type"] as? String == "joined" }
            let gusID = try #require(gusJoined["participantId"] as? String)
            let firstToken = try #require(gusJoined["resumeToken"] as? String)
            try await gus.sendJSON(["type": "hand.raise", "raised": true])
            _ = try await annSignal.next(timeout: 5) { ($0["participant"] as? [String: Any])?["handRaised"] as? Bool == true }

            // A ping brings a fresh token.
            try await gus.sendJSON(["type": "ping"])
            let pong = try await gus.next(timeout: 5) { $0["type"] as? String == "pong" }
            let token = try #require(pong["resumeToken"] as? String)
            #expect(!token.isEmpty)

            // The socket drops without `leave`: Ann sees Gus reconnecting, not gone.
            await gus.close()
            let marked = try await annSignal.next(timeout: 5) {
                ($0["participant"] as? [String: Any])?["id"] as? String == gusID
                    && ($0["participant"] as? [String: Any])?["reconnecting"] as? Bool == true
            }
            #expect(marked["type"] as? String == "participant.updated")

            // Gus comes back on a new socket: same id, hand still up, media reset (his old peer connections are gone).
            let back = try await h.openSignal()
            try await back.sendJSON(["type": "resume", "resumeToken": firstToken, "keepMedia": false])
            let resumed = try await back.next(timeout: 5) { $0["type"] as? String == "resumed" }
            #expect(resumed["participantId"] as? String == gusID)
            #expect(resumed["handRaised"] as? Bool == true)
            #expect(resumed["mediaReset"] as? Bool == true)
            #expect(resumed["resumeToken"] as? String != nil)
            _ = try await annSignal.next(timeout: 5) {
                ($0["participant"] as? [String: Any])?["id"] as? String == gusID
                    && ($0["participant"] as? [String: Any])?["reconnecting"] as? Bool == false
            }
            // Nobody was told he left.
            #expect(await annSignal.count(where: { $0["type"] as? String == "participant.left" }) == 0)

            // Ann removes him: his token no longer brings him back.
            try await annSignal.sendJSON(["type": "host.remove", "participantId": gusID])
            _ = try await back.next(timeout: 5) { $0["type"] as? String == "removed" }
            let again = try await h.openSignal()
            try await again.sendJSON(["type": "resume", "resumeToken": token, "keepMedia": false])
            let refused = try await again.next(timeout: 5) { $0["type"] as? String == "error" }
            #expect(refused["code"] as? String == "removed")
            #expect(await again.waitClosed(timeout: 5))
            _ = annJoined
            await annSignal.close()
        }
    }

    @Test func aPageGoingAwayLeavesByBeacon() async throws {
        try await TestApp.run { h in
            let ann = try await h.signUp("ann")
            let meeting = try await h.call(.post, "/api/v1/meetings", as: ann, json: ["title": "Beacon"])
            let code = try #require(meeting["code"] as? String)
            let (annSignal, _) = try await h.joinRoom(code: code, as: ann)
            let gus = try await h.openSignal()
            try await gus.sendJSON(["type": "join", "token": try await h.joinToken(code: code, guest: "Gus")])
            let joined = try await gus.next(timeout: 5) { $0["type"] as? String == "joined" }
            let token = try #require(joined["resumeToken"] as? String)
            let gusID = try #require(joined["participantId"] as? String)

            let bad = try await h.call(.post, "/api/v1/leave", json: ["resumeToken": "r1.e30.AAAA"])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("bad_token"))

            let left = try await h.call(.post, "/api/v1/leave", json: ["resumeToken": token])
            #expect(left.status == .noContent)
            let gone = try await annSignal.next(timeout: 5) { $0["type"] as? String == "participant.left" }
            #expect(gone["participantId"] as? String == gusID)
            #expect(gone["reason"] as? String == "left")
            // Again (the socket's own leave may beat the beacon): still fine.
            #expect(try await h.call(.post, "/api/v1/leave", json: ["resumeToken": token]).status == .noContent)
            await gus.close()
            await annSignal.close()
        }
    }

    @Test func resumeTokensAreSignedExpiringAndNotJoinTokens() async throws {
        let key = Data("0123456789abcdef0123456789abcdef".utf8)
        let claims = ResumeToken(meetingId: "m1", participantId: "p-1", userId: nil, displayName: "Gus", role: .guest,
                                 expiresAt: 2_000_000_000_000)
        let token = claims.signed(with: key)
        #expect(ResumeToken.verify(token, key: key, now: 1_000) == claims)
        #expect(ResumeToken.verify(token, key: key, now: 2_000_000_000_001) == nil, "expired")
        #expect(ResumeToken.verify(token, key: Data("another key, another server....".utf8), now: 1_000) == nil)
        // A changed payload (a guest making themselves host) fails the signature.
        var parts = token.split(separator: ".").map(String.init)
        var forged = claims
        forged.role = .host
        let forgedPayload = try JSONEncoder.api.encode(forged)
        parts[1] = JoinToken.base64URL(forgedPayload)
        #expect(ResumeToken.verify(parts.joined(separator: "."), key: key, now: 1_000) == nil)
        // Neither token passes for the other.
        #expect(JoinToken.verify(token, key: key, now: 1_000) == nil)
        let join = JoinToken(meetingId: "m1", userId: nil, displayName: "Gus", role: .guest, expiresAt: 2_000_000_000_000)
        #expect(ResumeToken.verify(join.signed(with: key), key: key, now: 1_000) == nil)
    }

    @Test func aBadResumeTokenIsRefusedAndTheSocketClosed() async throws {
        try await TestApp.run { h in
            let socket = try await h.openSignal()
            try await socket.sendJSON(["type": "resume", "resumeToken": "r1.e30.AAAA", "keepMedia": true])
            let refused = try await socket.next(timeout: 5) { $0["type"] as? String == "error" }
            #expect(refused["code"] as? String == "bad_token")
            #expect(refused["requestType"] as? String == "resume")
            #expect(await socket.waitClosed(timeout: 5))
        }
    }
}
