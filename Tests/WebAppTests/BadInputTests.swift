import Foundation
import Hummingbird
import Testing
@testable import WebApp

/// Every endpoint that takes a body, fed every shape of wrong input: the
/// answer is always a 4xx JSON error with a message, never a 5xx, and nothing
/// stored changes.
@Suite("Bad input never yields a 5xx")
struct BadInputTests {
    static let bodies: [(String, String)] = [
        ("not JSON", "{this is not json"),
        ("array", "[1,2,3]"),
        ("string", "\"hello\""),
        ("number", "12"),
        ("null", "null"),
        ("deep nesting", String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)),
        ("wrong types", #"{"username":1,"displayName":[],"password":{},"title":true,"start":5,"timeZone":null,"userId":7,"userIds":"x","recurrence":"daily","durationMinutes":"sixty","inviteeIds":{},"passcode":1234}"#),
        ("huge strings", #"{"username":"\#(String(repeating: "u", count: 100_000))","displayName":"\#(String(repeating: "d", count: 100_000))","password":"\#(String(repeating: "p", count: 100_000))","title":"\#(String(repeating: "t", count: 100_000))","userId":"\#(String(repeating: "i", count: 100_000))","start":"\#(String(repeating: "9", count: 100_000))","timeZone":"\#(String(repeating: "z", count: 100_000))"}"#),
        ("unicode junk", #"{"username":"\u0000\u0001","displayName":"\ud83d","title":"\u202e","start":"2027-01-01T25:61","timeZone":"../../etc/passwd","userId":"' OR 1=1 --"}"#),
        ("huge numbers", #"{"durationMinutes":1e308,"reminderMinutes":-99999999999999999999,"recurrence":{"frequency":"daily","interval":1e10,"count":9223372036854775807}}"#),
        ("bad recurrence", #"{"start":"2027-13-01T10:00","timeZone":"UTC","recurrence":{"frequency":"monthly","byWeekday":["MO"],"until":"2026-13-45"}}"#),
        ("too large", "{\"title\":\"" + String(repeating: "x", count: 2_000_000) + "\"}"),
    ]

    static func routes(meeting: String, request: String, call: String, note: String, user: String) -> [(HTTPRequest.Method, String)] {
        [
            (.post, "/api/v1/auth/register"), (.post, "/api/v1/auth/login"), (.patch, "/api/v1/me"),
            (.post, "/api/v1/meetings"), (.patch, "/api/v1/meetings/\(meeting)"),
            (.post, "/api/v1/meetings/\(meeting)/invitations"),
            (.patch, "/api/v1/meetings/\(meeting)/occurrences/2027-01-04T10:00:00Z"),
            (.post, "/api/v1/join/abc-defg-hij"), (.post, "/api/v1/friend-requests"), (.post, "/api/v1/blocks"),
            (.post, "/api/v1/calls"), (.post, "/api/v1/friend-requests/\(request)/accept"),
            (.post, "/api/v1/calls/\(call)/decline"), (.post, "/api/v1/notifications/\(note)/read"),
            (.delete, "/api/v1/friends/\(user)"),
        ]
    }

    @Test("malformed bodies on every endpoint group")
    func malformedBodies() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let created = try await app.call(
                .post, "/api/v1/meetings", as: ann,
                json: ["title": "Stable", "start": "2027-01-04T10:00", "timeZone": "UTC", "recurrence": ["frequency": "daily", "count": 3]])
            let meetingId = try #require(created["id"] as? String)
            let joinCode = try #require(created["code"] as? String)
            let before = try await app.store.meeting(id: meetingId)
            let userBefore = try await app.store.user(id: ann.id)
            var routes = Self.routes(meeting: meetingId, request: "x", call: "y", note: "z", user: "w")
            routes.append((.post, "/api/v1/join/\(joinCode)"))
            for (method, path) in routes {
                // Joining needs no account: try it as a guest, whose name is required.
                let person: Person? = path.hasPrefix("/api/v1/join/") ? nil : ann
                for (label, body) in Self.bodies {
                    let r = try await app.call(method, path, as: person, raw: body)
                    #expect((400..<500).contains(r.status.code), "\(method) \(path) with \(label) → \(r.status.code) \(r.text.prefix(200))")
                    #expect(r.errorCode != nil && (r.errorMessage ?? "").count > 5, "\(method) \(path) with \(label): \(r.text.prefix(200))")
                }
                // The wrong content type is refused before anything is read.
                let form = try await app.call(method, path, as: person, raw: "title=x", contentType: "application/x-www-form-urlencoded")
                #expect(form.status == .unsupportedMediaType || form.status == .notFound, "\(path): \(form.status)")
            }
            #expect(try await app.store.meeting(id: meetingId) == before)
            #expect(try await app.store.user(id: ann.id) == userBefore)
            #expect(try await app.store.user(username: "u") == nil)
        }
    }

    @Test("malformed ids, query strings and unknown paths")
    func malformedPaths() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            for path in ["/api/v1/meetings/not-a-uuid", "/api/v1/meetings/%00", "/api/v1/meetings/\(String(repeating: "a", count: 5000))",
                         "/api/v1/meetings/00000000-0000-0000-0000-000000000000", "/api/v1/nothing-here", "/api/v1/users?q=\(String(repeating: "q", count: 500))",
                         "/api/v1/occurrences?from=%FF&to=%FF", "/api/v1/join/%E2%80%AE", "/api/v1/calendar-feeds/%2e%2e%2f%2e%2e%2fetc%2fpasswd"] {
                let r = try await app.call(.get, path, as: ann)
                #expect((400..<500).contains(r.status.code), "\(path) → \(r.status.code)")
                #expect(r.errorCode != nil, "\(path): \(r.text.prefix(120))")
            }
            let wrongMethod = try await app.call(.put, "/api/v1/meetings", as: ann, json: [String: Any]())
            #expect((400..<500).contains(wrongMethod.status.code))
        }
    }

    @Test("system endpoints: health, metrics, OpenAPI document, pages")
    func systemEndpoints() async throws {
        try await TestApp.run { app in
            let health = try await app.call(.get, "/healthz")
            #expect(health.status == .ok && health["status"] as? String == "ok")
            _ = try await app.call(.get, "/api/v1/nothing")
            let metrics = try await app.call(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("parley_http_requests_total{method=\"GET\",status=\"404\"}"))
            let doc = try await app.call(.get, "/api/openapi.json")
            let paths = try #require(doc["paths"] as? [String: Any])
            var ids: Set<String> = []
            for case let item as [String: Any] in paths.values {
                for case let op as [String: Any] in item.values { if let id = op["operationId"] as? String { ids.insert(id) } }
            }
            let required: Set<String> = [
                "registerUser", "login", "logout", "getMe", "createMeeting", "getMeeting", "updateMeeting", "deleteMeeting",
                "listOccurrences", "getMeetingCalendar", "getCalendarFeed", "searchUsers", "sendFriendRequest",
                "listFriendRequests", "acceptFriendRequest", "declineFriendRequest", "listFriends", "removeFriend",
                "blockUser", "inviteToMeeting", "listNotifications",
            ]
            #expect(required.isSubset(of: ids), "missing: \(required.subtracting(ids))")
            let page = try await app.call(.get, "/m/abc-defg-hij")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(try await app.call(.get, "/friends").status == .ok)
            #expect(try await app.call(.get, "/assets/missing.js").status == .notFound)
            // Security headers on pages, API answers and errors alike.
            for reply in [page, health, try await app.call(.get, "/api/v1/me")] {
                #expect(reply.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                #expect(reply.headers[.xContentTypeOptions] == "nosniff")
                #expect(reply.headers[.init("Referrer-Policy")!] == "no-referrer")
            }
        }
    }
}
