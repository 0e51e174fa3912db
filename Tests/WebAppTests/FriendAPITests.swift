import Foundation
import Hummingbird
import Testing
@testable import WebApp

@Suite("Friends, blocks, invitations and calls")
struct FriendAPITests {
    @Test("search, request, accept, decline, cancel, remove")
    func requestLifecycle() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann", name: "Ann Smith")
            let ben = try await app.signUp("ben", name: "Ben Jones")
            let cat = try await app.signUp("cat", name: "Cat Jones")

            let found = try await app.call(.get, "/api/v1/users?q=jones", as: ann)
            let names = (found["users"] as? [[String: Any]] ?? []).compactMap { $0["username"] as? String }
            #expect(names == ["ben", "cat"])
            #expect(try await app.call(.get, "/api/v1/users?q=", as: ann).status == .badRequest)

            let sent = try await app.call(.post, "/api/v1/friend-requests", as: ann, json: ["userId": ben.id])
            #expect(sent.status == .created)
            #expect(try await app.call(.post, "/api/v1/friend-requests", as: ann, json: ["userId": ben.id]).status == .conflict)
            let relationship = try await app.call(.get, "/api/v1/users?q=ben", as: ann)
            #expect((relationship["users"] as? [[String: Any]])?.first?["relationship"] as? String == "outgoing_request")

            let inbox = try await app.call(.get, "/api/v1/friend-requests", as: ben)
            let incoming = inbox["incoming"] as? [[String: Any]] ?? []
            #expect(incoming.count == 1)
            let requestId = try #require(incoming.first?["id"] as? String)
            // Only the recipient answers; the sender may cancel.
            #expect(try await app.call(.post, "/api/v1/friend-requests/\(requestId)/accept", as: ann).status == .forbidden)
            #expect(try await app.call(.post, "/api/v1/friend-requests/\(requestId)/accept", as: cat).status == .notFound)
            let accepted = try await app.call(.post, "/api/v1/friend-requests/\(requestId)/accept", as: ben)
            #expect(accepted["status"] as? String == "accepted")
            #expect(try await app.call(.post, "/api/v1/friend-requests/\(requestId)/decline", as: ben).status == .conflict)

            let friends = try await app.call(.get, "/api/v1/friends", as: ann)
            let list = friends["friends"] as? [[String: Any]] ?? []
            #expect(list.count == 1)
            #expect((list.first?["user"] as? [String: Any])?["id"] as? String == ben.id)
            #expect(list.first?["presence"] as? String == "offline")
            #expect(try await app.call(.post, "/api/v1/friend-requests", as: ben, json: ["userId": ann.id]).status == .conflict)

            // Decline and cancel.
            let toCat = try await app.call(.post, "/api/v1/friend-requests", as: ann, json: ["userId": cat.id])
            let toCatId = try #require(toCat["id"] as? String)
            #expect(try await app.call(.delete, "/api/v1/friend-requests/\(toCatId)", as: cat).status == .forbidden)
            #expect(try await app.call(.delete, "/api/v1/friend-requests/\(toCatId)", as: ann).status == .noContent)
            let again = try await app.call(.post, "/api/v1/friend-requests", as: ann, json: ["userId": cat.id])
            let againId = try #require(again["id"] as? String)
            #expect(try await app.call(.post, "/api/v1/friend-requests/\(againId)/decline", as: cat)["status"] as? String == "declined")

            // Crossing requests: asking someone who already asked you makes you friends.
            let fromCat = try await app.call(.post, "/api/v1/friend-requests", as: cat, json: ["userId": ben.id])
            #expect(fromCat.status == .created)
            let crossing = try await app.call(.post, "/api/v1/friend-requests", as: ben, json: ["userId": cat.id])
            #expect(crossing.status == .ok)
            #expect(crossing["status"] as? String == "accepted")

            #expect(try await app.call(.delete, "/api/v1/friends/\(ben.id)", as: ann).status == .noContent)
            #expect(try await app.call(.delete, "/api/v1/friends/\(ben.id)", as: ann).status == .notFound)
            #expect((try await app.call(.get, "/api/v1/friends", as: ben)["friends"] as? [Any])?.count == 1)
            #expect(try await app.call(.post, "/api/v1/friend-requests", as: ann, json: ["userId": ann.id]).status == .unprocessableContent)
        }
    }

    @Test("a blocked user can no longer find, request, invite or call the blocker")
    func blocking() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let ben = try await app.signUp("ben")
            try await app.befriend(ann, ben)
            let meeting = try await app.call(
                .post, "/api/v1/meetings", as: ben,
                json: ["title": "Ben's", "start": "2027-05-03T09:00", "timeZone": "UTC", "inviteeIds": [ann.id]])
            let meetingId = try #require(meeting["id"] as? String)
            #expect(try await app.call(.get, "/api/v1/meetings/\(meetingId)", as: ann).status == .ok)

            let block = try await app.call(.post, "/api/v1/blocks", as: ann, json: ["userId": ben.id])
            #expect(block.status == .created)
            #expect((try await app.call(.get, "/api/v1/friends", as: ann)["friends"] as? [Any])?.isEmpty == true)
            #expect((try await app.call(.get, "/api/v1/users?q=ann", as: ben)["users"] as? [Any])?.isEmpty == true)
            #expect(try await app.call(.post, "/api/v1/friend-requests", as: ben, json: ["userId": ann.id]).status == .notFound)
            let invite = try await app.call(.post, "/api/v1/meetings/\(meetingId)/invitations", as: ben, json: ["userIds": [ann.id]])
            #expect(invite.status == .unprocessableContent)
            #expect(try await app.call(.post, "/api/v1/calls", as: ben, json: ["userId": ann.id]).status == .forbidden)
            // Blocking also took Ann out of Ben's meeting.
            #expect(try await app.call(.get, "/api/v1/meetings/\(meetingId)", as: ann).status == .notFound)
            let blocks = try await app.call(.get, "/api/v1/blocks", as: ann)
            #expect((blocks["users"] as? [[String: Any]])?.first?["id"] as? String == ben.id)
            #expect(try await app.call(.delete, "/api/v1/blocks/\(ben.id)", as: ann).status == .noContent)
            #expect((try await app.call(.get, "/api/v1/users?q=ann", as: ben)["users"] as? [Any])?.count == 1)
        }
    }

    @Test("inviting a friend notifies them, and the meeting shows in their agenda")
    func invitations() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let ben = try await app.signUp("ben")
            let eve = try await app.signUp("eve")
            try await app.befriend(ann, ben)
            let created = try await app.call(
                .post, "/api/v1/meetings", as: ann,
                json: ["title": "Plan", "start": "2027-06-07T14:00", "timeZone": "Asia/Tokyo",
                       "recurrence": ["frequency": "weekly", "byWeekday": ["MO"], "count": 2]])
            let id = try #require(created["id"] as? String)
            #expect(try await app.call(.post, "/api/v1/meetings/\(id)/invitations", as: ann, json: ["userIds": [eve.id]]).status == .unprocessableContent)
            let invited = try await app.call(.post, "/api/v1/meetings/\(id)/invitations", as: ann, json: ["userIds": [ben.id]])
            #expect(invited.status == .ok, "\(invited.text)")
            let notes = try await app.call(.get, "/api/v1/notifications", as: ben)
            let invitation = (notes["notifications"] as? [[String: Any]] ?? []).first { $0["kind"] as? String == "meeting_invitation" }
            let data = try #require(invitation?["data"] as? [String: Any])
            #expect(data["meetingId"] as? String == id)
            #expect((data["joinUrl"] as? String)?.hasPrefix("http://parley.test/m/") == true)
            #expect(notes["unreadCount"] as? Int == 2)  // the friend request and the invitation
            let agenda = try await app.call(.get, "/api/v1/occurrences?from=2027-06-01T00:00:00Z&to=2027-07-01T00:00:00Z", as: ben)
            let occurrences = agenda["occurrences"] as? [[String: Any]] ?? []
            #expect(occurrences.map { $0["start"] as? String } == ["2027-06-07T05:00:00Z", "2027-06-14T05:00:00Z"])
            #expect(occurrences.first?["role"] as? String == "invitee")
            #expect(try await app.call(.get, "/api/v1/meetings/\(id)", as: ben)["role"] as? String == "invitee")
            // Ben stays invited when the friendship ends and Ann edits the meeting with the same list.
            _ = try await app.call(.delete, "/api/v1/friends/\(ben.id)", as: ann)
            let edited = try await app.call(.patch, "/api/v1/meetings/\(id)", as: ann, json: ["title": "Plan v2", "inviteeIds": [ben.id]])
            #expect(edited.status == .ok, "\(edited.text)")
            #expect((edited["invitees"] as? [[String: Any]])?.count == 1)
            let removed = try await app.call(.patch, "/api/v1/meetings/\(id)", as: ann, json: ["inviteeIds": [String]()])
            #expect((removed["invitees"] as? [Any])?.isEmpty == true)
            // Once removed, a non-friend cannot be added back.
            #expect(try await app.call(.patch, "/api/v1/meetings/\(id)", as: ann, json: ["inviteeIds": [ben.id]]).status == .unprocessableContent)
        }
    }

    @Test("notifications are marked read one by one or all at once, only by their owner")
    func notificationReads() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let ben = try await app.signUp("ben")
            _ = try await app.call(.post, "/api/v1/friend-requests", as: ann, json: ["userId": ben.id])
            let notes = try await app.call(.get, "/api/v1/notifications?unread=true", as: ben)
            let note = try #require((notes["notifications"] as? [[String: Any]])?.first)
            #expect(note["kind"] as? String == "friend_request")
            let id = try #require(note["id"] as? String)
            #expect(try await app.call(.post, "/api/v1/notifications/\(id)/read", as: ann).status == .notFound)
            #expect(try await app.call(.post, "/api/v1/notifications/\(id)/read", as: ben).status == .noContent)
            #expect(try await app.call(.get, "/api/v1/notifications", as: ben)["unreadCount"] as? Int == 0)
            #expect(try await app.call(.get, "/api/v1/notifications?unread=maybe", as: ben).status == .badRequest)
            #expect(try await app.call(.post, "/api/v1/notifications/read-all", as: ben).status == .noContent)
        }
    }

    @Test("ringing a friend: the callee is notified, declines, and the caller hears about it")
    func ringing() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let ben = try await app.signUp("ben")
            try await app.befriend(ann, ben)
            let annSocket = try await app.openSocket(as: ann)
            let benSocket = try await app.openSocket(as: ben)
            let call = try await app.call(.post, "/api/v1/calls", as: ann, json: ["userId": ben.id])
            #expect(call.status == .created, "\(call.text)")
            let callId = try #require(call["id"] as? String)
            #expect((call["meeting"] as? [String: Any])?["joinUrl"] != nil)
            let ring = try await benSocket.next(timeout: 5) { $0["type"] as? String == "call" }
            #expect((ring["call"] as? [String: Any])?["status"] as? String == "ringing")
            _ = try await benSocket.next(timeout: 5) { ($0["notification"] as? [String: Any])?["kind"] as? String == "call" }
            #expect(try await app.call(.post, "/api/v1/calls/\(callId)/decline", as: ann).status == .forbidden)
            let declined = try await app.call(.post, "/api/v1/calls/\(callId)/decline", as: ben)
            #expect(declined["status"] as? String == "declined")
            let seen = try await annSocket.next(timeout: 5) { ($0["call"] as? [String: Any])?["status"] as? String == "declined" }
            #expect(((seen["call"] as? [String: Any])?["callee"] as? [String: Any])?["id"] as? String == ben.id)
            #expect(try await app.call(.post, "/api/v1/calls/\(callId)/accept", as: ben).status == .conflict)

            // A second call, accepted; then a third the caller hangs up.
            let second = try await app.call(.post, "/api/v1/calls", as: ann, json: ["userId": ben.id])
            let secondId = try #require(second["id"] as? String)
            #expect(try await app.call(.post, "/api/v1/calls/\(secondId)/accept", as: ben)["status"] as? String == "accepted")
            _ = try await annSocket.next(timeout: 5) { ($0["call"] as? [String: Any])?["status"] as? String == "accepted" }
            let third = try await app.call(.post, "/api/v1/calls", as: ann, json: ["userId": ben.id])
            let thirdId = try #require(third["id"] as? String)
            #expect(try await app.call(.delete, "/api/v1/calls/\(thirdId)", as: ann).status == .noContent)
            _ = try await benSocket.next(timeout: 5) { ($0["call"] as? [String: Any])?["status"] as? String == "cancelled" }
            await annSocket.close()
            await benSocket.close()
        }
    }

    @Test("an unanswered call stops ringing and counts as missed")
    func missedCall() async throws {
        try await TestApp.run(configure: { $0.meetings.ringSeconds = 5 }) { app in
            let ann = try await app.signUp("ann")
            let ben = try await app.signUp("ben")
            try await app.befriend(ann, ben)
            let socket = try await app.openSocket(as: ann)
            _ = try await app.call(.post, "/api/v1/calls", as: ann, json: ["userId": ben.id])
            _ = try await socket.next(timeout: 10) { ($0["call"] as? [String: Any])?["status"] as? String == "missed" }
            await socket.close()
        }
    }
}
