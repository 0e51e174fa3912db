import Foundation
import Hummingbird
import Testing
@testable import WebApp

@Suite("Calendar downloads and feeds")
struct CalendarAPITests {
    @Test("a meeting downloads as .ics with RRULE, EXDATE, the moved occurrence, join link and dial-in code")
    func meetingICS() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            let created = try await app.call(
                .post, "/api/v1/meetings", as: ann,
                json: ["title": "Review; weekly, with commas", "start": "2027-03-22T09:00", "timeZone": "Europe/Berlin",
                       "recurrence": ["frequency": "weekly", "byWeekday": ["MO"], "until": "2027-04-30"]])
            let id = try #require(created["id"] as? String)
            let dialIn = try #require(created["dialInCode"] as? String)
            _ = try await app.call(.delete, "/api/v1/meetings/\(id)/occurrences/2027-03-29T07:00:00Z", as: ann)
            _ = try await app.call(.patch, "/api/v1/meetings/\(id)/occurrences/2027-04-05T07:00:00Z", as: ann, json: ["start": "2027-04-06T10:00"])
            let r = try await app.call(.get, "/api/v1/meetings/\(id)/calendar.ics", as: ann)
            #expect(r.status == .ok)
            #expect(r.headers[.contentType]?.hasPrefix("text/calendar") == true)
            #expect(r.headers[.contentDisposition]?.contains(".ics") == true)
            let ics = r.text.replacingOccurrences(of: "\r\n ", with: "")  // unfold
            #expect(ics.contains("BEGIN:VCALENDAR"))
            #expect(ics.contains("BEGIN:VTIMEZONE"))
            #expect(ics.contains("TZID:Europe/Berlin"))
            #expect(ics.contains("RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL="))
            #expect(ics.contains("EXDATE;TZID=Europe/Berlin:20270329T090000"))
            #expect(ics.contains("RECURRENCE-ID;TZID=Europe/Berlin:20270405T090000"))
            #expect(ics.contains("SUMMARY:Review\\; weekly\\, with commas"))
            #expect(ics.contains("http://parley.test/m/"))
            #expect(ics.contains(dialIn))
            #expect(r.text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })

            let instant = try await app.call(.post, "/api/v1/meetings", as: ann, json: [String: Any]())
            let instantId = try #require(instant["id"] as? String)
            #expect(try await app.call(.get, "/api/v1/meetings/\(instantId)/calendar.ics", as: ann).status == .unprocessableContent)
        }
    }

    @Test("the private feed works without a cookie, rotates, and can be revoked")
    func feed() async throws {
        try await TestApp.run { app in
            let ann = try await app.signUp("ann")
            #expect(try await app.call(.get, "/api/v1/me/calendar-feed", as: ann)["url"] is NSNull)
            _ = try await app.call(.post, "/api/v1/meetings", as: ann, json: ["title": "In the feed", "start": "2027-01-04T10:00", "timeZone": "UTC"])
            let first = try await app.call(.post, "/api/v1/me/calendar-feed", as: ann)
            #expect(first.status == .created)
            let url = try #require(first["url"] as? String)
            #expect(url.hasPrefix("http://parley.test/api/v1/calendar-feeds/"))
            let path = String(url.dropFirst("http://parley.test".count))
            let feed = try await app.call(.get, path)
            #expect(feed.status == .ok)
            #expect(feed.text.contains("SUMMARY:In the feed"))
            #expect(try await app.call(.get, path + ".ics").status == .ok)

            let second = try await app.call(.post, "/api/v1/me/calendar-feed", as: ann)
            let rotated = String((second["url"] as? String ?? "").dropFirst("http://parley.test".count))
            #expect(rotated != path)
            #expect(try await app.call(.get, path).status == .notFound)
            #expect(try await app.call(.get, rotated).status == .ok)
            #expect(try await app.call(.delete, "/api/v1/me/calendar-feed", as: ann).status == .noContent)
            #expect(try await app.call(.get, rotated).status == .notFound)
            #expect(try await app.call(.get, "/api/v1/calendar-feeds/short").status == .notFound)
        }
    }
}
