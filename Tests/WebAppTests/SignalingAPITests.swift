import Foundation
import Crypto
import Testing

/// The signaling WebSocket (Docs/signaling.md) against a live server.
@Suite(.serialized) struct SignalingAPITests {
    @Test func aBadTokenIsRefusedAndTheSocketClosed() async throws {
        try await TestApp.run { h in
            let socket = try await h.openSignal()
            try await socket.sendJSON(["type": "join", "token": "not.a-token"])
            let error = try await socket.next(timeout: 5) { $0["type"] as? String == "error" }
            #expect(error["code"] as? String == "bad_token")
            #expect(await socket.waitClosed(timeout: 5))
        }
    }

    @Test func malformedMessagesGetAnErrorAndTheSocketStays() async throws {
        try await TestApp.run { h in
            let ann = try await h.signUp("ann")
            let meeting = try await h.call(.post, "/api/v1/meetings", as: ann, json: ["title": "Sync"])
            let code = try #require(meeting["code"] as? String)
            let socket = try await h.openSignal()
            for junk in ["not json", "[]", "{}", "{\"type\": 5}", "{\"type\":\"publish.offer\"}", String(repeating: "{", count: 5000)] {
                try await socket.sendRaw(junk)
                let e = try await socket.next(timeout: 5) { $0["type"] as? String == "error" }
                #expect(e["code"] as? String == "bad_request", "for \(junk.prefix(20))")
            }
            // Still usable: join works after the junk.
            try await socket.sendJSON(["type": "join", "token": try await h.joinToken(code: code, as: ann)])
            let joined = try await socket.next(timeout: 5) { $0["type"] as? String == "joined" }
            #expect(joined["role"] as? String == "host")
            #expect((joined["iceServers"] as? [Any])?.isEmpty == true)
            // After joining: unknown types and missing fields name the problem.
            try await socket.sendJSON(["type": "teleport"])
            let unknown = try await socket.next(timeout: 5) { $0["type"] as? String == "error" }
            #expect((unknown["message"] as? String)?.contains("teleport") == true)
            try await socket.sendJSON(["type": "chat.send"])
            let missing = try await socket.next(timeout: 5) { $0["type"] as? String == "error" }
            #expect((missing["message"] as? String)?.contains("\"text\"") == true)
            try await socket.sendJSON(["type": "publish.offer", "sdp": "v=0 garbage", "tracks": [["mid": "0", "source": "camera"]]])
            let badSDP = try await socket.next(timeout: 5) { $0["type"] as? String == "error" }
            #expect(badSDP["requestType"] as? String == "publish.offer")
            try await socket.sendJSON(["type": "ping"])
            _ = try await socket.next(timeout: 5) { $0["type"] as? String == "pong" }
            let metrics = try await h.call(.get, "/metrics")
            let errors = metrics.text.split(separator: "\n").first { $0.hasPrefix("parley_signaling_errors_total") }
            #expect(errors.flatMap { Double($0.split(separator: " ").last ?? "") }.map { $0 >= 9 } == true, "\(errors ?? "none")")
            // Each media loop's load.
            for family in ["parley_media_loop_cpu_seconds_total", "parley_media_loop_tick_lateness_seconds", "parley_media_loop_transports"] {
                #expect(metrics.text.contains("\(family){loop=\"0\"} "), "\(family) missing")
            }
            await socket.close()
        }
    }

    @Test func chatLockAndPresenceThroughTheRoom() async throws {
        try await TestApp.run { h in
            let ann = try await h.signUp("ann"), ben = try await h.signUp("ben")
            try await h.befriend(ann, ben)
            let annLive = try await h.openSocket(as: ann)
            let meeting = try await h.call(.post, "/api/v1/meetings", as: ann, json: ["title": "Sync"])
            let code = try #require(meeting["code"] as? String)

            let annSignal = try await h.openSignal()
            try await annSignal.sendJSON(["type": "join", "token": try await h.joinToken(code: code, as: ann)])
            _ = try await annSignal.next(timeout: 5) { $0["type"] as? String == "joined" }

            // Ben joins the room: Ann's friends list sees him "in a meeting".
            let benSignal = try await h.openSignal()
            try await benSignal.sendJSON(["type": "join", "token": try await h.joinToken(code: code, as: ben)])
            let benJoined = try await benSignal.next(timeout: 5) { $0["type"] as? String == "joined" }
            #expect((benJoined["participants"] as? [[String: Any]])?.count == 2)
            _ = try await annLive.next(timeout: 5) { $0["userId"] as? String == ben.id && $0["presence"] as? String == "in_meeting" }

            try await benSignal.sendJSON(["type": "chat.send", "text": "hi Ann"])
            let chat = try await annSignal.next(timeout: 5) { $0["type"] as? String == "chat.message" }
            #expect((chat["message"] as? [String: Any])?["text"] as? String == "hi Ann")

            // Ben is no moderator; Ann locks, and a guest is turned away.
            try await benSignal.sendJSON(["type": "host.lock", "locked": true])
            let refused = try await benSignal.next(timeout: 5) { $0["type"] as? String == "error" }
            #expect(refused["code"] as? String == "forbidden")
            try await annSignal.sendJSON(["type": "host.lock", "locked": true])
            _ = try await benSignal.next(timeout: 5) { ($0["room"] as? [String: Any])?["locked"] as? Bool == true }
            let guest = try await h.openSignal()
            try await guest.sendJSON(["type": "join", "token": try await h.joinToken(code: code, guest: "Gus")])
            let locked = try await guest.next(timeout: 5) { $0["type"] as? String == "error" }
            #expect(locked["code"] as? String == "locked")
            #expect(await guest.waitClosed(timeout: 5))

            // Ben leaves: Ann sees it, and his presence goes back to online.
            try await benSignal.sendJSON(["type": "leave"])
            _ = try await annSignal.next(timeout: 5) { $0["type"] as? String == "participant.left" }
            _ = try await annLive.next(timeout: 5) { $0["userId"] as? String == ben.id && $0["presence"] as? String == "offline" || $0["userId"] as? String == ben.id && $0["presence"] as? String == "online" }
            await annSignal.close()
            await annLive.close()
        }
    }

    @Test func turnCredentialsAreTimeLimitedHMACs() async throws {
        try await TestApp.run(configure: {
            $0.turn.urls = ["turn:turn.example.org:3478?transport=udp"]
            $0.turn.secret = "s3cret"
            $0.turn.credentialSeconds = 600
        }) { h in
            let ann = try await h.signUp("ann")
            let meeting = try await h.call(.post, "/api/v1/meetings", as: ann, json: ["title": "Sync"])
            let code = try #require(meeting["code"] as? String)
            let socket = try await h.openSignal()
            try await socket.sendJSON(["type": "join", "token": try await h.joinToken(code: code, as: ann)])
            let joined = try await socket.next(timeout: 5) { $0["type"] as? String == "joined" }
            let server = try #require((joined["iceServers"] as? [[String: Any]])?.first)
            #expect(server["urls"] as? [String] == ["turn:turn.example.org:3478?transport=udp"])
            let username = try #require(server["username"] as? String)
            let parts = username.split(separator: ":")
            #expect(parts.count == 2 && String(parts[1]) == ann.id)
            let expiry = try #require(Int(parts[0]))
            #expect(abs(expiry - Int(Date().timeIntervalSince1970) - 600) < 5)
            let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(username.utf8), using: SymmetricKey(data: Data("s3cret".utf8)))
            #expect(server["credential"] as? String == Data(mac).base64EncodedString())
            await socket.close()
        }
    }
}
