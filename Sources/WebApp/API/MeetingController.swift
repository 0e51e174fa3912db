import Foundation
import Hummingbird
import Meetings
import Scheduling
import Store

/// Meetings: create (instant or scheduled), read, edit, cancel, invite.
struct MeetingController {
    let services: AppServices
    var store: Store { services.store }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/meetings", use: create)
        router.get("/api/v1/meetings", use: list)
        router.get("/api/v1/meetings/:id", use: get)
        router.patch("/api/v1/meetings/:id", use: update)
        router.delete("/api/v1/meetings/:id", use: delete)
        router.post("/api/v1/meetings/:id/invitations", use: invite)
        router.patch("/api/v1/meetings/:id/occurrences/:originalStart", use: updateOccurrence)
        router.delete("/api/v1/meetings/:id/occurrences/:originalStart", use: cancelOccurrence)
        router.get("/api/v1/occurrences", use: listOccurrences)
    }

    // MARK: Handlers

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let input = try await request.decodeJSON(MeetingInput.self, context: context)
        let now = Timestamp.now
        let (code, dialIn) = MeetingCodes.generate()
        var meeting = MeetingRecord(
            id: UUID().uuidString.lowercased(), code: code, dialInCode: dialIn, hostId: user.id,
            kind: MeetingRecord.instant, title: "", description: "",
            reminderMinutes: services.configuration.meetings.defaultReminderMinutes, createdAt: now, updatedAt: now)
        try apply(input, to: &meeting, creating: true)
        let invitees = try await validInvitees(input.inviteeIds ?? [], host: user)
        meeting = try await store.createMeeting(meeting, inviteeIds: invitees.map(\.id), codes: MeetingCodes.generate)
        services.metrics.meetingsCreated(kind: meeting.kind).increment()
        for invitee in invitees {
            await notifyInvitation(meeting, to: invitee.id, from: user)
        }
        return try .json(
            MeetingResponse(
                meeting, host: user, invitees: invitees, overrides: [], viewerId: user.id, origin: services.origin,
                dialIn: DialInResponse(services.configuration, code: meeting.dialInCode)),
            status: .created)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let meetings = try await store.meetings(visibleTo: user.id)
        let ids = meetings.map(\.id)
        let overrides = try await store.overrides(meetingIds: ids)
        let invitees = try await store.inviteeIds(meetingIds: ids)
        let people = try await store.usersById(meetings.map(\.hostId) + invitees.values.flatMap { $0 })
        let responses = meetings.compactMap { meeting -> MeetingResponse? in
            guard let host = people[meeting.hostId] else { return nil }
            return MeetingResponse(
                meeting, host: host, invitees: (invitees[meeting.id] ?? []).compactMap { people[$0] },
                overrides: overrides[meeting.id] ?? [], viewerId: user.id, origin: services.origin,
                dialIn: DialInResponse(services.configuration, code: meeting.dialInCode))
        }
        struct Body: Encodable { var meetings: [MeetingResponse] }
        return try .json(Body(meetings: responses))
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let meeting = try await visibleMeeting(context, user: user)
        return try .json(try await response(for: meeting, viewer: user))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var meeting = try await hostedMeeting(context, user: user)
        let input = try await request.decodeJSON(MeetingInput.self, context: context)
        let before = meeting
        try apply(input, to: &meeting, creating: false)
        var inviteeIds: [String]? = nil
        if input.has(.inviteeIds) {
            // People already invited may stay even if the friendship ended since.
            let current = Set(try await store.inviteeIds(meetingId: meeting.id))
            let requested = Set((input.inviteeIds ?? []).map { $0.lowercased() })
            let kept = requested.intersection(current)
            let added = try await validInvitees(Array(requested.subtracting(current)), host: user)
            inviteeIds = Array(kept) + added.map(\.id)
        }
        // Overrides whose slot the new schedule no longer has are dropped.
        let overrides = try await store.overrides(meetingId: meeting.id)
        if let series = MeetingSchedule.series(meeting, overrides: []) {
            let orphaned = overrides.filter { !series.hasSlot(at: Timestamp.date($0.originalStart)) }
            try await store.deleteOverrides(meetingId: meeting.id, originalStarts: orphaned.map(\.originalStart))
            if !orphaned.isEmpty { try recomputeBounds(&meeting, overrides: try await store.overrides(meetingId: meeting.id)) }
        } else if !overrides.isEmpty {
            try await store.deleteOverrides(meetingId: meeting.id, originalStarts: overrides.map(\.originalStart))
        }
        meeting.sequence += 1
        meeting.updatedAt = Timestamp.now
        let added = try await store.updateMeeting(meeting, inviteeIds: inviteeIds)
        let current = try await store.inviteeIds(meetingId: meeting.id)
        for id in added { await notifyInvitation(meeting, to: id, from: user) }
        if before.title != meeting.title || before.startLocal != meeting.startLocal || before.timeZone != meeting.timeZone
            || before.rrule != meeting.rrule || before.durationMinutes != meeting.durationMinutes
        {
            for id in current where !added.contains(id) {
                await services.notifier.notifyQuietly(
                    userId: id, kind: "meeting_updated",
                    data: MeetingNotice(meetingId: meeting.id, title: meeting.title, start: meeting.firstStart.map(Instant.string)))
            }
        }
        return try .json(try await response(for: meeting, viewer: user))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var meeting = try await hostedMeeting(context, user: user)
        meeting.cancelledAt = Timestamp.now
        meeting.updatedAt = meeting.cancelledAt!
        meeting.sequence += 1
        try await store.updateMeeting(meeting, inviteeIds: nil)
        for id in try await store.inviteeIds(meetingId: meeting.id) {
            await services.notifier.notifyQuietly(
                userId: id, kind: "meeting_cancelled",
                data: CancelNotice(meetingId: meeting.id, title: meeting.title, occurrenceStart: nil))
        }
        return .noContent
    }

    @Sendable func invite(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var userIds: [String] }
        let user = try context.requireUser()
        let meeting = try await hostedMeeting(context, user: user)
        let input = try await request.decodeJSON(Input.self, context: context)
        guard !input.userIds.isEmpty else { throw APIError.validation("userIds", "Choose at least one friend to invite.") }
        let invitees = try await validInvitees(input.userIds, host: user, field: "userIds")
        let added = try await store.addInvitees(meetingId: meeting.id, userIds: invitees.map(\.id))
        for id in added { await notifyInvitation(meeting, to: id, from: user) }
        let all = try await store.users(ids: try await store.inviteeIds(meetingId: meeting.id))
        struct Body: Encodable { var invitees: [UserSummary] }
        return try .json(Body(invitees: all.map(UserSummary.init).sorted { $0.username < $1.username }))
    }

    // MARK: Shared lookups

    /// The meeting in the path, if the user may see it: host and invitees
    /// always; anyone signed in when it is not private. Otherwise 404, so
    /// private meetings' existence is not revealed.
    func visibleMeeting(_ context: AppRequestContext, user: UserRecord) async throws -> MeetingRecord {
        try await Self.meeting(context, user: user, store: store).meeting
    }

    /// The meeting in the path when the user hosts it: 403 for invitees, 404 for strangers.
    func hostedMeeting(_ context: AppRequestContext, user: UserRecord,
                       forbidden: String = "Only the meeting's host can change it.") async throws -> MeetingRecord {
        try await Self.hostedMeeting(context, user: user, store: store, forbidden: forbidden)
    }

    /// The one lookup of a meeting by the `id` in the path, for every
    /// controller: `MeetingAccess` decides; an id the user may not see is 404.
    static func meeting(_ context: AppRequestContext, user: UserRecord, store: Store) async throws
        -> (meeting: MeetingRecord, access: MeetingAccess)
    {
        let id = try Validation.id(context.parameters.get("id") ?? "", what: "The meeting")
        guard let meeting = try await store.meeting(id: id) else { throw APIError.notFound("The meeting") }
        let access = try await MeetingAccess.of(
            hostID: meeting.hostId, isPrivate: meeting.isPrivate, isCancelled: meeting.cancelledAt != nil, userID: user.id
        ) { try await store.isInvited(meetingId: meeting.id, userId: user.id) }
        guard access != .none else { throw APIError.notFound("The meeting") }
        return (meeting, access)
    }

    /// The meeting in the path when the user hosts it: 404 for whoever may
    /// not see it, 403 (with `forbidden`) for those who may see it but not host it.
    static func hostedMeeting(_ context: AppRequestContext, user: UserRecord, store: Store, forbidden: String) async throws
        -> MeetingRecord
    {
        let (meeting, access) = try await meeting(context, user: user, store: store)
        guard access == .host else { throw APIError.forbidden(forbidden) }
        return meeting
    }

    func response(for meeting: MeetingRecord, viewer: UserRecord) async throws -> MeetingResponse {
        let inviteeIds = try await store.inviteeIds(meetingId: meeting.id)
        let byId = try await store.usersById(inviteeIds + [meeting.hostId])
        guard let host = byId[meeting.hostId] else { throw APIError.notFound("The meeting") }
        return MeetingResponse(
            meeting, host: host, invitees: inviteeIds.compactMap { byId[$0] },
            overrides: try await store.overrides(meetingId: meeting.id), viewerId: viewer.id, origin: services.origin,
            dialIn: DialInResponse(services.configuration, code: meeting.dialInCode))
    }

    /// Invitees must exist, be the host's friends, and not be the host.
    private func validInvitees(_ ids: [String], host: UserRecord, field: String = "inviteeIds") async throws -> [UserRecord] {
        guard ids.count <= 200 else { throw APIError.validation(field, "A meeting can have at most 200 invitees.") }
        let unique = Array(Set(ids.map { $0.lowercased() }))
        guard !unique.contains(host.id) else {
            throw APIError.validation(field, "You host this meeting; you don't need an invitation.")
        }
        let friends = Set(try await store.friendIds(of: host.id))
        for id in unique where !friends.contains(id) {
            throw APIError.validation(field, "You can invite only your friends.")
        }
        return try await store.users(ids: unique)
    }

    private func notifyInvitation(_ meeting: MeetingRecord, to userId: String, from host: UserRecord) async {
        struct Invitation: Encodable {
            var meetingId: String
            var title: String
            var joinUrl: String
            @NullEncoded var start: String?
            var from: UserSummary
        }
        await services.notifier.notifyQuietly(
            userId: userId, kind: "meeting_invitation",
            data: Invitation(
                meetingId: meeting.id, title: meeting.title, joinUrl: "\(services.origin)/m/\(meeting.code)",
                start: meeting.firstStart.map(Instant.string), from: UserSummary(host)))
    }
}

struct MeetingNotice: Encodable {
    var meetingId: String
    var title: String
    @NullEncoded var start: String?
}

struct CancelNotice: Encodable {
    var meetingId: String
    var title: String
    @NullEncoded var occurrenceStart: String?
}
