import Foundation
import Hummingbird
import Testing
@testable import WebApp

@Suite("Meetings and scheduling")
struct MeetingAPITests {
    @Test("an instant meeting has a short link, a 10-digit dial-in code and its creator as host")
    func instant() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let r = try await app.call(.post, "/api/v1/meetings", as: ann, json: [String: Any]())
            #expect(r.status == .created)
            let code = try #require(r["code"] as? String)
            #expect(code.range(of: #"^[a-z]{3}-[a-z]{4}-[a-z]{3}$"#, options: .regularExpression) != nil)
            #expect(r["joinUrl"] as? String == "http://parley.test/m/\(code)")
            let dialIn = try #require(r["dialInCode"] as? String)
            #expect(dialIn.range(of: #"^[1-9][0-9]{9}$"#, options: .regularExpression) != nil)
            #expect(r["kind"] as? String == "instant")
            #expect(r["title"] as? String == "Instant meeting")
            #expect((r["host"] as? [String: Any])?["id"] as? String == ann.id)
            #expect(r["role"] as? String == "host")
            // Codes differ between meetings.
            let other = try await app.call(.post, "/api/v1/meetings", as: ann, json: [String: Any]())
            #expect(other["code"] as? String != code)
            #expect(other["dialInCode"] as? String != dialIn)
            // The link resolves for anyone, signed in or not.
            let info = try await app.call(.get, "/api/v1/join/\(code)")
            #expect(info.status == .ok)
            #expect(info["title"] as? String == "Instant meeting")
            // With the dial-in code, so the room can say how to join by phone.
            #expect(info["dialInCode"] as? String == dialIn)
        }
    }

    @Test("a weekly meeting keeps its local time across daylight-saving changes")
    func weeklyAcrossDST() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let r = try await app.call(
                .post, "/api/v1/meetings", as: ann,
                json: [
                    "title": "Stand-up", "start": "2026-10-19T09:00", "timeZone": "Europe/Berlin", "durationMinutes": 15,
                    "recurrence": ["frequency": "weekly", "byWeekday": ["MO"], "count": 4],
                ])
            #expect(r.status == .created, "\(r.text)")
            #expect((r["recurrence"] as? [String: Any])?["rrule"] as? String == "FREQ=WEEKLY;BYDAY=MO;COUNT=4")
            let list = try await app.call(.get, "/api/v1/occurrences?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z", as: ann)
            let starts = (list["occurrences"] as? [[String: Any]] ?? []).compactMap { $0["start"] as? String }
            // Europe/Berlin leaves summer time on 25 October 2026.
            #expect(starts == ["2026-10-19T07:00:00Z", "2026-10-26T08:00:00Z", "2026-11-02T08:00:00Z", "2026-11-09T08:00:00Z"])
            let locals = (list["occurrences"] as? [[String: Any]] ?? []).compactMap { $0["startLocal"] as? String }
            #expect(locals.allSatisfy { $0.hasSuffix("T09:00") })
        }
    }

    @Test("edit or cancel one occurrence, or the whole series")
    func occurrenceEdits() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let created = try await app.call(
                .post, "/api/v1/meetings", as: ann,
                json: [
                    "title": "Daily", "start": "2027-01-04T10:00", "timeZone": "America/New_York",
                    "recurrence": ["frequency": "daily", "count": 5],
                ])
            let id = try #require(created["id"] as? String)
            let window = "/api/v1/occurrences?from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z"
            var starts = (try await app.call(.get, window, as: ann)["occurrences"] as? [[String: Any]] ?? []).compactMap { $0["start"] as? String }
            #expect(starts.count == 5)
            #expect(starts.first == "2027-01-04T15:00:00Z")

            // Cancel the second, move the third an hour later and rename it.
            let cancel = try await app.call(.delete, "/api/v1/meetings/\(id)/occurrences/2027-01-05T15:00:00Z", as: ann)
            #expect(cancel.status == .noContent, "\(cancel.text)")
            let move = try await app.call(
                .patch, "/api/v1/meetings/\(id)/occurrences/2027-01-06T15:00:00Z", as: ann,
                json: ["start": "2027-01-06T11:00", "title": "Daily (late)"])
            #expect(move.status == .ok, "\(move.text)")
            #expect(move["start"] as? String == "2027-01-06T16:00:00Z")
            #expect(move["originalStart"] as? String == "2027-01-06T15:00:00Z")
            #expect(move["isModified"] as? Bool == true)
            let list = try await app.call(.get, window, as: ann)["occurrences"] as? [[String: Any]] ?? []
            starts = list.compactMap { $0["start"] as? String }
            #expect(starts == ["2027-01-04T15:00:00Z", "2027-01-06T16:00:00Z", "2027-01-07T15:00:00Z", "2027-01-08T15:00:00Z"])
            #expect(list[1]["title"] as? String == "Daily (late)")
            // A slot that is not in the series, or already cancelled, is a 404.
            #expect(try await app.call(.delete, "/api/v1/meetings/\(id)/occurrences/2027-01-05T15:00:00Z", as: ann).status == .notFound)
            #expect(try await app.call(.delete, "/api/v1/meetings/\(id)/occurrences/2027-01-04T15:30:00Z", as: ann).status == .notFound)
            #expect(try await app.call(.delete, "/api/v1/meetings/\(id)/occurrences/not-a-date", as: ann).status == .notFound)
            let meeting = try await app.call(.get, "/api/v1/meetings/\(id)", as: ann)
            #expect(meeting["cancelledOccurrences"] as? [String] == ["2027-01-05T15:00:00Z"])

            // Edit the whole series: new title; then cancel it.
            let renamed = try await app.call(.patch, "/api/v1/meetings/\(id)", as: ann, json: ["title": "Daily sync"])
            #expect(renamed["title"] as? String == "Daily sync")
            #expect(try await app.call(.delete, "/api/v1/meetings/\(id)", as: ann).status == .noContent)
            #expect((try await app.call(.get, window, as: ann)["occurrences"] as? [Any])?.isEmpty == true)
            #expect(try await app.call(.get, "/api/v1/meetings/\(id)", as: ann).status == .notFound)
        }
    }

    @Test("changing the series drops occurrence edits whose slot no longer exists")
    func seriesChangeDropsOrphans() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let created = try await app.call(
                .post, "/api/v1/meetings", as: ann,
                json: ["start": "2027-03-01T09:00", "timeZone": "UTC", "recurrence": ["frequency": "daily", "count": 3]])
            let id = try #require(created["id"] as? String)
            _ = try await app.call(.delete, "/api/v1/meetings/\(id)/occurrences/2027-03-02T09:00:00Z", as: ann)
            let moved = try await app.call(.patch, "/api/v1/meetings/\(id)", as: ann, json: ["start": "2027-03-01T10:00"])
            #expect(moved.status == .ok)
            #expect(moved["cancelledOccurrences"] as? [String] == [])
            let list = try await app.call(.get, "/api/v1/occurrences?from=2027-03-01T00:00:00Z&to=2027-03-05T00:00:00Z", as: ann)
            #expect((list["occurrences"] as? [Any])?.count == 3)
        }
    }

    @Test("impossible or malformed schedules are refused and store nothing")
    func badSchedules() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let start = "2027-01-04T10:00"
            let bad: [([String: Any], String)] = [
                (["start": start, "timeZone": "Mars/Olympus"], "timeZone"),
                (["start": start], "timeZone"),
                (["start": "2027-02-30T10:00", "timeZone": "UTC"], "start"),
                (["start": "tomorrow", "timeZone": "UTC"], "start"),
                (["start": start, "timeZone": "UTC", "durationMinutes": 0], "durationMinutes"),
                (["start": start, "timeZone": "UTC", "durationMinutes": 100_000], "durationMinutes"),
                (["start": start, "timeZone": "UTC", "recurrence": ["frequency": "hourly"]], "recurrence.frequency"),
                (["start": start, "timeZone": "UTC", "recurrence": ["frequency": "daily", "interval": 0]], "recurrence.interval"),
                (["start": start, "timeZone": "UTC", "recurrence": ["frequency": "daily", "count": 0]], "recurrence.count"),
                (["start": start, "timeZone": "UTC", "recurrence": ["frequency": "daily", "count": 5000]], "recurrence.count"),
                (["start": start, "timeZone": "UTC", "recurrence": ["frequency": "daily", "until": "2026-01-01"]], "recurrence"),
                (["start": start, "timeZone": "UTC", "recurrence": ["frequency": "daily", "count": 3, "until": "2027-02-01"]], "recurrence.count"),
                (["start": start, "timeZone": "UTC", "recurrence": ["frequency": "daily", "byWeekday": ["MO"]]], "recurrence.byWeekday"),
                (["start": start, "timeZone": "UTC", "recurrence": ["frequency": "weekly", "byWeekday": ["XX"]]], "recurrence.byWeekday"),
                (["recurrence": ["frequency": "daily"]], "start"),
                (["title": String(repeating: "t", count: 201)], "title"),
                (["description": String(repeating: "d", count: 5001)], "description"),
                (["passcode": "12"], "passcode"),
                (["passcode": "abcd"], "passcode"),
                (["reminderMinutes": -1], "reminderMinutes"),
                (["inviteeIds": ["00000000-0000-0000-0000-000000000000"]], "inviteeIds"),
            ]
            for (body, field) in bad {
                let r = try await app.call(.post, "/api/v1/meetings", as: ann, json: body)
                #expect(r.status == .unprocessableContent, "\(body) → \(r.text)")
                let reported = (r.object["error"] as? [String: Any])?["field"] as? String ?? ""
                #expect(reported.hasPrefix(field), "\(body) → \(r.text)")
            }
            #expect(try await app.store.meetings(visibleTo: ann.id).isEmpty)
        }
    }

    @Test("a series ending on the last supported day keeps its recurrence")
    func untilAtTheEdge() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let r = try await app.call(
                .post, "/api/v1/meetings", as: ann,
                json: ["start": "2200-12-01T09:00", "timeZone": "America/New_York", "recurrence": ["frequency": "daily", "until": "2200-12-31"]])
            #expect(r.status == .created)
            #expect((r["recurrence"] as? [String: Any])?["until"] as? String == "2200-12-31", "\(r.text)")
        }
    }

    @Test("a failed edit leaves the meeting exactly as it was")
    func failedEditChangesNothing() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let created = try await app.call(
                .post, "/api/v1/meetings", as: ann,
                json: ["title": "Keep", "start": "2027-01-04T10:00", "timeZone": "UTC", "passcode": "1234"])
            let id = try #require(created["id"] as? String)
            let before = try #require(try await app.store.meeting(id: id))
            for body: [String: Any] in [
                ["title": "New", "timeZone": "Nowhere/City"],
                ["title": "New", "recurrence": ["frequency": "weekly", "byWeekday": ["TU"]]],
                ["title": 12],
                ["passcode": "12345678901"],
            ] {
                let r = try await app.call(.patch, "/api/v1/meetings/\(id)", as: ann, json: body)
                #expect((400..<500).contains(r.status.code), "\(r.text)")
            }
            #expect(try await app.store.meeting(id: id) == before)
        }
    }

    @Test("a passcode can be removed with null; absent fields stay")
    func patchSemantics() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let created = try await app.call(.post, "/api/v1/meetings", as: ann, json: ["title": "P", "passcode": "4321"])
            let id = try #require(created["id"] as? String)
            #expect(created["passcode"] as? String == "4321")
            let kept = try await app.call(.patch, "/api/v1/meetings/\(id)", as: ann, json: ["title": "Q"])
            #expect(kept["hasPasscode"] as? Bool == true)
            let cleared = try await app.call(.patch, "/api/v1/meetings/\(id)", as: ann, json: ["passcode": NSNull()])
            #expect(cleared["hasPasscode"] as? Bool == false)
            #expect(cleared["passcode"] is NSNull)
            // "UTC" stays "UTC" (Foundation would call it "GMT").
            let utc = try await app.call(.patch, "/api/v1/meetings/\(id)", as: ann, json: ["start": "2027-02-01T10:00", "timeZone": "UTC"])
            #expect(utc["timeZone"] as? String == "UTC")
            #expect(utc["start"] as? String == "2027-02-01T10:00:00Z")
            #expect(cleared["title"] as? String == "Q")
        }
    }

    @Test("joining: guests by name, sign-in requirement, passcode")
    func joining() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let open = try await app.call(.post, "/api/v1/meetings", as: ann, json: ["title": "Open"])
            let openCode = try #require(open["code"] as? String)
            let guest = try await app.call(.post, "/api/v1/join/\(openCode)", json: ["displayName": "Visitor"])
            #expect(guest.status == .ok, "\(guest.text)")
            #expect(guest["role"] as? String == "guest")
            let token = try #require(guest["joinToken"] as? String)
            let claims = try #require(JoinToken.verify(token, key: app.services.joinTokenKey))
            #expect(claims.displayName == "Visitor" && claims.userId == nil)
            #expect(JoinToken.verify(token + "x", key: app.services.joinTokenKey) == nil)
            #expect(try await app.call(.post, "/api/v1/join/\(openCode)", json: [String: Any]()).status == .unprocessableContent)
            let host = try await app.call(.post, "/api/v1/join/\(openCode)", as: ann, json: [String: Any]())
            #expect(host["role"] as? String == "host")
            #expect(host["displayName"] as? String == "Ann")

            let closed = try await app.call(.post, "/api/v1/meetings", as: ann, json: ["requireSignIn": true, "passcode": "2468"])
            let closedCode = try #require(closed["code"] as? String)
            let info = try await app.call(.get, "/api/v1/join/\(closedCode)")
            #expect(info["requireSignIn"] as? Bool == true && info["hasPasscode"] as? Bool == true)
            let anonymous = try await app.call(.post, "/api/v1/join/\(closedCode)", json: ["displayName": "V", "passcode": "2468"])
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.errorCode == "sign_in_required")
            let bea = try await app.signUp("bea")
            let wrong = try await app.call(.post, "/api/v1/join/\(closedCode)", as: bea, json: ["passcode": "1111"])
            #expect(wrong.status == .forbidden)
            #expect(wrong.errorCode == "wrong_passcode")
            let right = try await app.call(.post, "/api/v1/join/\(closedCode)", as: bea, json: ["passcode": "2468"])
            #expect(right.status == .ok)
            #expect(right["role"] as? String == "participant")
            #expect(try await app.call(.get, "/api/v1/join/zzz-zzzz-zzz").status == .notFound)
            #expect(try await app.call(.get, "/api/v1/join/DROP%20TABLE").status == .notFound)
        }
    }

    @Test("listOccurrences checks its range")
    func occurrenceRange() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            for query in ["", "?from=2027-01-01T00:00:00Z", "?from=x&to=y", "?from=2027-02-01T00:00:00Z&to=2027-01-01T00:00:00Z",
                          "?from=2027-01-01T00:00:00Z&to=2029-01-01T00:00:00Z"] {
                let r = try await app.call(.get, "/api/v1/occurrences\(query)", as: ann)
                #expect(r.status == .badRequest, "\(query) → \(r.text)")
            }
        }
    }
}
