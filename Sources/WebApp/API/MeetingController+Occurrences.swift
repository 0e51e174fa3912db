import Foundation
import Hummingbird
import Meetings
import Scheduling
import Store

extension MeetingController {
    @Sendable func listOccurrences(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard let fromText = request.uri.queryParameters["from"], let toText = request.uri.queryParameters["to"] else {
            throw APIError.badRequest("Give the range as ?from=…&to=… instants, like 2026-12-01T00:00:00Z.")
        }
        guard let from = Instant.parse(String(fromText)) else {
            throw APIError.badRequest("'from' must be an instant like 2026-12-01T00:00:00Z.", field: "from")
        }
        guard let to = Instant.parse(String(toText)) else {
            throw APIError.badRequest("'to' must be an instant like 2026-12-31T00:00:00Z.", field: "to")
        }
        guard to > from else { throw APIError.badRequest("'to' must be after 'from'.", field: "to") }
        guard to.timeIntervalSince(from) <= 366 * 86_400 else {
            throw APIError.badRequest("Ask for at most 366 days at a time.", field: "to")
        }
        let meetings = try await store.scheduledMeetings(
            for: user.id, overlappingFrom: Timestamp.milliseconds(from), to: Timestamp.milliseconds(to))
        let overrides = try await store.overrides(meetingIds: meetings.map(\.id))
        let hosts = try await store.usersById(meetings.map(\.hostId))
        var result: [OccurrenceResponse] = []
        for meeting in meetings {
            guard let series = MeetingSchedule.series(meeting, overrides: overrides[meeting.id] ?? []),
                let host = hosts[meeting.hostId]
            else { continue }
            for occurrence in series.occurrences(from: from, to: to) {
                result.append(
                    OccurrenceResponse(
                        occurrence, meeting: meeting, zone: series.timeZone, host: host, viewerId: user.id,
                        origin: services.origin))
            }
        }
        result.sort { ($0.start, $0.meetingId) < ($1.start, $1.meetingId) }
        struct Body: Encodable { var occurrences: [OccurrenceResponse] }
        return try .json(Body(occurrences: result))
    }

    @Sendable func updateOccurrence(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var meeting = try await hostedMeeting(context, user: user)
        let (series, slot) = try occurrenceSlot(context, meeting: meeting, overrides: try await store.overrides(meetingId: meeting.id))
        let input = try await request.decodeJSON(OccurrenceInput.self, context: context)
        var start: LocalDateTime? = nil
        if let text = input.start {
            do { start = try LocalDateTime(parsing: text) } catch {
                throw APIError.validation("start", "The start must be a date and time like 2026-12-01T09:30.")
            }
        }
        if let start, abs(start.resolved(in: series.timeZone).timeIntervalSince(slot)) > 365 * 86_400 {
            throw APIError.validation("start", "An occurrence can move at most a year from its original date.")
        }
        let duration = try input.durationMinutes.map {
            try Validation.int($0, field: "durationMinutes", label: "The duration in minutes", range: 5...1440)
        }
        let title = try input.title.map { try Validation.text($0, field: "title", label: "The title", min: 1, max: 200) }
        guard start != nil || duration != nil || title != nil else {
            throw APIError.validation("start", "Give a new start, duration or title for this occurrence.")
        }
        let existing = series.overrides[slot]
        let record = OccurrenceOverrideRecord(
            meetingId: meeting.id, originalStart: Timestamp.milliseconds(slot), isCancelled: false,
            startLocal: (start ?? existing?.start)?.description, durationMinutes: duration ?? existing?.durationMinutes,
            title: title ?? existing?.title, updatedAt: Timestamp.now)
        try await store.saveOverride(record)
        let overrides = try await store.overrides(meetingId: meeting.id)
        meeting.sequence += 1
        meeting.updatedAt = Timestamp.now
        try recomputeBounds(&meeting, overrides: overrides)
        try await store.updateMeeting(meeting, inviteeIds: nil)
        guard let updated = MeetingSchedule.series(meeting, overrides: overrides),
            let occurrence = findOccurrence(updated, slot: slot)
        else { throw APIError.notFound("The occurrence") }
        for id in try await store.inviteeIds(meetingId: meeting.id) {
            await services.notifier.notifyQuietly(
                userId: id, kind: "meeting_updated",
                data: MeetingNotice(meetingId: meeting.id, title: occurrence.title ?? meeting.title, start: Instant.string(occurrence.start)))
        }
        return try .json(
            OccurrenceResponse(occurrence, meeting: meeting, zone: updated.timeZone, host: user, viewerId: user.id, origin: services.origin))
    }

    @Sendable func cancelOccurrence(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var meeting = try await hostedMeeting(context, user: user)
        let (_, slot) = try occurrenceSlot(context, meeting: meeting, overrides: try await store.overrides(meetingId: meeting.id))
        try await store.saveOverride(
            OccurrenceOverrideRecord(
                meetingId: meeting.id, originalStart: Timestamp.milliseconds(slot), isCancelled: true, updatedAt: Timestamp.now))
        meeting.sequence += 1
        meeting.updatedAt = Timestamp.now
        try recomputeBounds(&meeting, overrides: try await store.overrides(meetingId: meeting.id))
        try await store.updateMeeting(meeting, inviteeIds: nil)
        for id in try await store.inviteeIds(meetingId: meeting.id) {
            await services.notifier.notifyQuietly(
                userId: id, kind: "meeting_cancelled",
                data: CancelNotice(meetingId: meeting.id, title: meeting.title, occurrenceStart: Instant.string(slot)))
        }
        return .noContent
    }

    /// The series and the slot named by `:originalStart`, which must be one of its occurrences.
    private func occurrenceSlot(
        _ context: AppRequestContext, meeting: MeetingRecord, overrides: [OccurrenceOverrideRecord]
    ) throws -> (MeetingSeries, Date) {
        guard let series = MeetingSchedule.series(meeting, overrides: overrides) else {
            throw APIError.notFound("The occurrence")
        }
        let raw = context.parameters.get("originalStart") ?? ""
        guard let slot = Instant.parse(raw.removingPercentEncoding ?? raw), series.hasSlot(at: slot) else {
            throw APIError.notFound("The occurrence")
        }
        if series.overrides[slot]?.isCancelled == true {
            throw APIError.notFound("The occurrence")
        }
        return (series, slot)
    }

    /// A moved occurrence found near its new time (used when the wide search above is bounded).
    private func findOccurrence(_ series: MeetingSeries, slot: Date) -> Occurrence? {
        let window = 400.0 * 86_400
        return series.occurrences(from: slot.addingTimeInterval(-window), to: slot.addingTimeInterval(window))
            .first { $0.originalStart == slot }
    }
}
