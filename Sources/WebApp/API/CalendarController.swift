import Foundation
import Hummingbird
import Meetings
import NIOCore
import Scheduling
import Store

/// iCalendar downloads: one meeting's `.ics`, and each user's private feed.
struct CalendarController {
    let services: AppServices
    let meetings: MeetingController
    var store: Store { services.store }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/api/v1/meetings/:id/calendar.ics", use: meetingCalendar)
        router.get("/api/v1/calendar-feeds/:token", use: feed)
    }

    @Sendable func meetingCalendar(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let meeting = try await meetings.visibleMeeting(context, user: user)
        guard meeting.kind == MeetingRecord.scheduled else {
            throw APIError(.unprocessableContent, "not_scheduled", "An instant meeting has no date to put in a calendar.")
        }
        guard let event = try await event(for: meeting) else { throw APIError.notFound("The meeting") }
        let text = ICalendarWriter.calendar(name: nil, events: [event], now: Date())
        let filename = Self.filename(meeting.title)
        return Self.calendarResponse(text, headers: [.contentDisposition: "attachment; filename=\"\(filename).ics\""])
    }

    /// The feed a calendar app subscribes to. The token is the credential,
    /// so no cookie is needed; a revoked or unknown token is a 404.
    @Sendable func feed(_ request: Request, context: AppRequestContext) async throws -> Response {
        var token = context.parameters.get("token") ?? ""
        if token.hasSuffix(".ics") { token.removeLast(4) }
        guard (20...128).contains(token.count), let user = try await store.user(calendarToken: token) else {
            throw APIError.notFound("The calendar feed")
        }
        let meetings = try await store.meetings(visibleTo: user.id).filter { $0.kind == MeetingRecord.scheduled }
        let ids = meetings.map(\.id)
        let overrides = try await store.overrides(meetingIds: ids)
        let invitees = try await store.inviteeIds(meetingIds: ids)
        let people = try await store.usersById(meetings.map(\.hostId) + invitees.values.flatMap { $0 })
        let events = meetings.compactMap {
            event(for: $0, overrides: overrides[$0.id] ?? [], inviteeIds: invitees[$0.id] ?? [], people: people)
        }
        let text = ICalendarWriter.calendar(name: "Parley — \(user.displayName)", events: events, now: Date())
        return Self.calendarResponse(text, headers: [:])
    }

    private func event(for meeting: MeetingRecord) async throws -> CalendarEvent? {
        let inviteeIds = try await store.inviteeIds(meetingId: meeting.id)
        let people = try await store.usersById(inviteeIds + [meeting.hostId])
        return event(
            for: meeting, overrides: try await store.overrides(meetingId: meeting.id), inviteeIds: inviteeIds, people: people)
    }

    private func event(
        for meeting: MeetingRecord, overrides: [OccurrenceOverrideRecord], inviteeIds: [String], people: [String: UserRecord]
    ) -> CalendarEvent? {
        guard let series = MeetingSchedule.series(meeting, overrides: overrides) else { return nil }
        let joinURL = "\(services.origin)/m/\(meeting.code)"
        var description = meeting.description
        if !description.isEmpty { description += "\n\n" }
        description += "Join: \(joinURL)\n"
        description += DialInResponse(services.configuration, code: meeting.dialInCode)?.invitationText ?? "Dial-in code: \(meeting.dialInCode)"
        if meeting.passcode != nil { description += "\nA passcode is required; ask the host." }
        let host = people[meeting.hostId]
        return CalendarEvent(
            uid: "\(meeting.id)@parley", series: series, title: meeting.title, description: description, url: joinURL,
            location: joinURL, organizer: host.map { CalendarPerson(name: $0.displayName, email: nil) },
            attendees: inviteeIds.compactMap { people[$0] }.map { CalendarPerson(name: $0.displayName, email: nil) },
            sequence: meeting.sequence, createdAt: Timestamp.date(meeting.createdAt),
            updatedAt: Timestamp.date(meeting.updatedAt), isCancelled: meeting.cancelledAt != nil)
    }

    static func calendarResponse(_ text: String, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = "text/calendar; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A safe file name from a title.
    static func filename(_ title: String) -> String {
        let cleaned = title.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "-" }
        let name = String(cleaned).split(separator: "-").joined(separator: "-").prefix(60)
        return name.isEmpty ? "meeting" : String(name)
    }
}
