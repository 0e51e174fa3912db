import Foundation
import Testing
@testable import WebApp

/// reaction.send, host.lobby and host.transfer through the signaling socket
/// (the room's rules are in RoomsTests; this checks the front door's wiring).
@Suite struct SignalingRoomUXTests {
    @Test func reactionsTheLobbySwitchAndTheHostHandoverTravelTheSocket() async throws {
        try await TestApp.run { h in
            let ann = try await h.signUp("ann"), ben = try await h.signUp("ben")
            let meeting = try await h.call(.post, "/api/v1/meetings", as: ann, json: ["title": "Sync"])
            let code = try #require(meeting["code"] as? String)
            let annSignal = try await h.openSignal()
            try await annSignal.sendJSON(["type": "join", "token": try await h.joinToken(code: code, as: ann)])
            let annJoined = try await annSignal.next(timeout: 5) { $0["type"] as? String == "joined" }
            let annID = try #require(annJoined["participantId"] as? String)
            let benSignal = try await h.openSignal()
            try await benSignal.sendJSON(["type": "join", "token": try await h.joinToken(code: code, as: ben)])
            let benJoined = try await benSignal.next(timeout: 5) { $0["type"] as? String == "joined" }
            let benID = try #require(benJoined["participantId"] as? String)

            // A reaction reaches everyone; a text that is no allowed emoji is refused.
            try await annSignal.sendJSON(["type": "reaction.send", "emoji": "🎉"])
            let reaction = try await benSignal.next(timeout: 5) { $0["type"] as? String == "reaction" }
            #expect(reaction["participantId"] as? String == annID)
            #expect(reaction["emoji"] as? String == "🎉")
            try await benSignal.sendJSON(["type": "reaction.send", "emoji": "<script>"])
            let bad = try await benSignal.next(timeout: 5) { $0["type"] as? String == "error" }
            #expect(bad["code"] as? String == "bad_request")
            #expect(bad["requestType"] as? String == "reaction.send")
            try await benSignal.sendJSON(["type": "reaction.send"])
            let missing = try await benSignal.next(timeout: 5) { $0["type"] as? String == "error" }
            #expect((missing["message"] as? String)?.contains("emoji") == true)

            // The lobby switch: moderators only; everyone sees lobbyEnabled.
            try await benSignal.sendJSON(["type": "host.lobby", "enabled": true])
            let forbidden = try await benSignal.next(timeout: 5) { $0["type"] as? String == "error" }
            #expect(forbidden["code"] as? String == "forbidden")
            try await annSignal.sendJSON(["type": "host.lobby", "enabled": true])
            _ = try await benSignal.next(timeout: 5) { ($0["room"] as? [String: Any])?["lobbyEnabled"] as? Bool == true }

            // Ann hands the host role to Ben, who is signed in.
            try await annSignal.sendJSON(["type": "host.transfer", "participantId": benID])
            _ = try await annSignal.next(timeout: 5) {
                let p = $0["participant"] as? [String: Any]
                return $0["type"] as? String == "participant.updated" && p?["id"] as? String == benID && p?["role"] as? String == "host"
            }
            _ = try await benSignal.next(timeout: 5) {
                let p = $0["participant"] as? [String: Any]
                return $0["type"] as? String == "participant.updated" && p?["id"] as? String == annID && p?["role"] as? String == "cohost"
            }
            await annSignal.close()
            await benSignal.close()
        }
    }
}
