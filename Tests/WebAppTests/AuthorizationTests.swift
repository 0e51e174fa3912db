import Foundation
import Hummingbird
import Testing
@testable import WebApp

/// Who may do what: the host, an invitee, a stranger (signed in) and an
/// anonymous visitor against every meeting operation, plus the per-user
/// resources nobody else may read.
@Suite("Authorization matrix")
struct AuthorizationTests {
    enum Role: String, CaseIterable { case host, invitee, stranger, anonymous }

    struct Operation {
        var name: String
        var method: HTTPRequest.Method
        var path: (String) -> String
        var body: [String: Any]?
        /// Expected status per role for a private meeting.
        var expected: [Role: Int]
    }

    nonisolated(unsafe) static let operations: [Operation] = [
        Operation(name: "getMeeting", method: .get, path: { "/api/v1/meetings/\($0)" }, body: nil,
                  expected: [.host: 200, .invitee: 200, .stranger: 404, .anonymous: 401]),
        Operation(name: "getMeetingCalendar", method: .get, path: { "/api/v1/meetings/\($0)/calendar.ics" }, body: nil,
                  expected: [.host: 200, .invitee: 200, .stranger: 404, .anonymous: 401]),
        Operation(name: "updateMeeting", method: .patch, path: { "/api/v1/meetings/\($0)" }, body: ["title": "Hijacked"],
                  expected: [.host: 200, .invitee: 403, .stranger: 404, .anonymous: 401]),
        Operation(name: "inviteToMeeting", method: .post, path: { "/api/v1/meetings/\($0)/invitations" }, body: ["userIds": ["00000000-0000-0000-0000-000000000001"]],
                  expected: [.host: 422, .invitee: 403, .stranger: 404, .anonymous: 401]),
        Operation(name: "updateOccurrence", method: .patch, path: { "/api/v1/meetings/\($0)/occurrences/2027-05-03T09:00:00Z" }, body: ["title": "X"],
                  expected: [.host: 200, .invitee: 403, .stranger: 404, .anonymous: 401]),
        Operation(name: "cancelOccurrence", method: .delete, path: { "/api/v1/meetings/\($0)/occurrences/2027-05-10T09:00:00Z" }, body: nil,
                  expected: [.host: 204, .invitee: 403, .stranger: 404, .anonymous: 401]),
        Operation(name: "deleteMeeting", method: .delete, path: { "/api/v1/meetings/\($0)" }, body: nil,
                  expected: [.host: 204, .invitee: 403, .stranger: 404, .anonymous: 401]),
    ]

    @Test("meeting operations by role, on a private meeting")
    func meetingMatrix() async throws {
        try await TestApp.run { app in
            let host = try await app.signUp("host")
            let invitee = try await app.signUp("invitee")
            let stranger = try await app.signUp("stranger")
            try await app.befriend(host, invitee)
            // Non-host roles go first, so the host's delete comes last.
            for role in [Role.invitee, .stranger, .anonymous, .host] {
                let created = try await app.call(
                    .post, "/api/v1/meetings", as: host,
                    json: ["title": "Private", "start": "2027-05-03T09:00", "timeZone": "UTC", "inviteeIds": [invitee.id],
                           "recurrence": ["frequency": "weekly", "count": 4]])
                let id = try #require(created["id"] as? String)
                let before = try await app.store.meeting(id: id)
                let person: Person? = switch role {
                case .host: host
                case .invitee: invitee
                case .stranger: stranger
                case .anonymous: nil
                }
                for op in Self.operations {
                    let r = try await app.call(op.method, op.path(id), as: person, json: op.body)
                    #expect(r.status.code == op.expected[role], "\(op.name) as \(role) → \(r.status.code) \(r.text)")
                }
                if role != .host {
                    #expect(try await app.store.meeting(id: id) == before, "\(role) changed the meeting")
                }
            }
        }
    }

    @Test("a public meeting is readable by any signed-in person, still editable only by its host")
    func publicMeeting() async throws {
        try await TestApp.run { app in
            let host = try await app.signUp("host")
            let other = try await app.signUp("other")
            let created = try await app.call(.post, "/api/v1/meetings", as: host, json: ["title": "Town hall", "isPrivate": false])
            let id = try #require(created["id"] as? String)
            let seen = try await app.call(.get, "/api/v1/meetings/\(id)", as: other)
            #expect(seen.status == .ok)
            #expect(seen["role"] as? String == "viewer")
            #expect(seen["passcode"] is NSNull)
            #expect(try await app.call(.patch, "/api/v1/meetings/\(id)", as: other, json: ["title": "x"]).status == .forbidden)
        }
    }

    @Test("nobody reads another user's friends, requests, notifications, blocks or feed")
    func personalResources() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let ben = try await app.signUp("ben")
            let eve = try await app.signUp("eve")
            try await app.befriend(ann, ben)
            _ = try await app.call(.post, "/api/v1/blocks", as: ann, json: ["userId": eve.id])
            _ = try await app.call(.post, "/api/v1/me/calendar-feed", as: ann)
            // Every personal list answers with the caller's own data only.
            #expect((try await app.call(.get, "/api/v1/friends", as: eve)["friends"] as? [Any])?.isEmpty == true)
            #expect((try await app.call(.get, "/api/v1/blocks", as: eve)["users"] as? [Any])?.isEmpty == true)
            let eveRequests = try await app.call(.get, "/api/v1/friend-requests", as: eve)
            #expect((eveRequests["incoming"] as? [Any])?.isEmpty == true && (eveRequests["outgoing"] as? [Any])?.isEmpty == true)
            #expect((try await app.call(.get, "/api/v1/notifications", as: eve)["notifications"] as? [Any])?.isEmpty == true)
            #expect(try await app.call(.get, "/api/v1/me/calendar-feed", as: eve)["url"] is NSNull)
            // Another's notification id cannot be touched.
            let benNote = try #require(((try await app.call(.get, "/api/v1/notifications", as: ben))["notifications"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await app.call(.post, "/api/v1/notifications/\(benNote)/read", as: eve).status == .notFound)
            // Without a session, every personal endpoint is a 401.
            for path in ["/api/v1/me", "/api/v1/friends", "/api/v1/friend-requests", "/api/v1/notifications", "/api/v1/blocks",
                         "/api/v1/meetings", "/api/v1/me/calendar-feed", "/api/v1/users?q=a",
                         "/api/v1/occurrences?from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z"] {
                let r = try await app.call(.get, path)
                #expect(r.status == .unauthorized, "\(path)")
                #expect(r.errorCode == "unauthenticated")
            }
            // A forged cookie is just anonymous.
            let forged = Person(id: "", username: "x", cookie: "parley_session=\(String(repeating: "A", count: 43))")
            #expect(try await app.call(.get, "/api/v1/me", as: forged).status == .unauthorized)
        }
    }

    @Test("starting a recording: a stranger to a private meeting gets 404 like any id they cannot see; an invitee 403")
    func recordingStartLeak() async throws {
        try await TestApp.run { app in
            let host = try await app.signUp("host")
            let invitee = try await app.signUp("invitee")
            let stranger = try await app.signUp("stranger")
            try await app.befriend(host, invitee)
            let created = try await app.call(.post, "/api/v1/meetings", as: host, json: ["title": "Private", "inviteeIds": [invitee.id]])
            let id = try #require(created["id"] as? String)
            let byStranger = try await app.call(.post, "/api/v1/meetings/\(id)/recording", as: stranger)
            #expect(byStranger.status == .notFound, "\(byStranger.text)")
            #expect(byStranger.errorCode == "not_found")
            // The same answer as for a meeting that does not exist: nothing leaks.
            let missing = try await app.call(.post, "/api/v1/meetings/00000000-0000-0000-0000-000000000009/recording", as: stranger)
            #expect(byStranger.text == missing.text.replacingOccurrences(of: "00000000-0000-0000-0000-000000000009", with: id))
            let byInvitee = try await app.call(.post, "/api/v1/meetings/\(id)/recording", as: invitee)
            #expect(byInvitee.status == .forbidden)
            #expect(try await app.call(.post, "/api/v1/meetings/\(id)/recording").status == .unauthorized)
            // A cancelled meeting is gone for its host too.
            #expect(try await app.call(.delete, "/api/v1/meetings/\(id)", as: host).status == .noContent)
            #expect(try await app.call(.post, "/api/v1/meetings/\(id)/recording", as: host).status == .notFound)
        }
    }

    @Test("signing out without a session is 401, as documented, and clears a stale cookie")
    func logoutWithoutSession() async throws {
        try await TestApp.run { app in
            let none = try await app.call(.post, "/api/v1/auth/logout")
            #expect(none.status == .unauthorized)
            #expect(none.errorCode == "unauthenticated")
            let forged = Person(id: "", username: "x", cookie: "parley_session=\(String(repeating: "A", count: 43))")
            let stale = try await app.call(.post, "/api/v1/auth/logout", as: forged)
            #expect(stale.status == .unauthorized)
            #expect(stale.headers[.setCookie]?.contains("parley_session=;") == true)
        }
    }

    @Test("removing a block you never made is 404, as documented; removing yours is 204 once")
    func unblockUnknown() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let ben = try await app.signUp("ben")
            let never = try await app.call(.delete, "/api/v1/blocks/\(ben.id)", as: ann)
            #expect(never.status == .notFound, "\(never.text)")
            #expect(never.errorCode == "not_found")
            #expect(try await app.call(.post, "/api/v1/blocks", as: ann, json: ["userId": ben.id]).status == .created)
            // Ben cannot lift Ann's block of him.
            #expect(try await app.call(.delete, "/api/v1/blocks/\(ann.id)", as: ben).status == .notFound)
            #expect(try await app.call(.delete, "/api/v1/blocks/\(ben.id)", as: ann).status == .noContent)
            #expect(try await app.call(.delete, "/api/v1/blocks/\(ben.id)", as: ann).status == .notFound)
        }
    }
}
