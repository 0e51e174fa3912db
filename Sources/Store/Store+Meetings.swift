import SQLKit

extension Store {
    /// Inserts a meeting with its invitees. `codes` is asked for a fresh
    /// (link code, dial-in code) pair until one is free: both must be unique.
    public func createMeeting(
        _ meeting: MeetingRecord, inviteeIds: [String], codes: @escaping @Sendable () -> (String, String)
    ) async throws -> MeetingRecord {
        try await database.transaction { db in
            var meeting = meeting
            for _ in 0..<20 {
                let taken = try await db.select().column("id").from("meetings")
                    .where("code", .equal, meeting.code).orWhere("dial_in_code", .equal, meeting.dialInCode)
                    .first()
                if taken == nil { break }
                (meeting.code, meeting.dialInCode) = codes()
            }
            try await db.insert(into: "meetings").record(meeting).run()
            for userId in Set(inviteeIds) {
                try await db.insert(into: "meeting_invitees").columns("meeting_id", "user_id", "invited_at")
                    .values(SQLBind(meeting.id), SQLBind(userId), SQLBind(meeting.createdAt)).run()
            }
            return meeting
        }
    }

    public func meeting(id: String) async throws -> MeetingRecord? {
        try await database.read { db in
            try await db.select().column("*").from("meetings").where("id", .equal, id).record(MeetingRecord.self)
        }
    }

    public func meeting(code: String) async throws -> MeetingRecord? {
        try await database.read { db in
            try await db.select().column("*").from("meetings").where("code", .equal, code).record(MeetingRecord.self)
        }
    }

    public func meeting(dialInCode: String) async throws -> MeetingRecord? {
        try await database.read { db in
            try await db.select().column("*").from("meetings").where("dial_in_code", .equal, dialInCode)
                .record(MeetingRecord.self)
        }
    }

    /// Replaces a meeting's fields (not its id or codes) and, when given, its invitee set.
    /// Returns the invitees that were newly added.
    @discardableResult
    public func updateMeeting(_ meeting: MeetingRecord, inviteeIds: [String]?) async throws -> [String] {
        try await database.transaction { db in
            try await db.update("meetings")
                .set("title", to: meeting.title).set("description", to: meeting.description)
                .set("start_local", to: meeting.startLocal).set("time_zone", to: meeting.timeZone)
                .set("duration_minutes", to: meeting.durationMinutes).set("rrule", to: meeting.rrule)
                .set("first_start", to: meeting.firstStart).set("last_end", to: meeting.lastEnd)
                .set("passcode", to: meeting.passcode).set("require_sign_in", to: meeting.requireSignIn)
                .set("lobby_enabled", to: meeting.lobbyEnabled)
                .set("record_automatically", to: meeting.recordAutomatically)
                .set("recordings_visible", to: meeting.recordingsVisible)
                .set("is_private", to: meeting.isPrivate).set("reminder_minutes", to: meeting.reminderMinutes)
                .set("sequence", to: meeting.sequence).set("cancelled_at", to: meeting.cancelledAt)
                .set("kind", to: meeting.kind).set("updated_at", to: meeting.updatedAt)
                .where("id", .equal, meeting.id).run()
            guard let inviteeIds else { return [] }
            let current = try await db.select().column("user_id").from("meeting_invitees")
                .where("meeting_id", .equal, meeting.id).all(decoding: UserIdRow.self).map(\.userId)
            let wanted = Set(inviteeIds)
            let removed = Set(current).subtracting(wanted)
            let added = wanted.subtracting(current)
            if !removed.isEmpty {
                try await db.delete(from: "meeting_invitees").where("meeting_id", .equal, meeting.id)
                    .where("user_id", .in, Array(removed)).run()
            }
            for userId in added {
                try await db.insert(into: "meeting_invitees").columns("meeting_id", "user_id", "invited_at")
                    .values(SQLBind(meeting.id), SQLBind(userId), SQLBind(meeting.updatedAt)).run()
            }
            return Array(added)
        }
    }

    /// Adds invitees; returns the ones that were not invited before.
    public func addInvitees(meetingId: String, userIds: [String]) async throws -> [String] {
        try await database.transaction { db in
            let current = try await db.select().column("user_id").from("meeting_invitees")
                .where("meeting_id", .equal, meetingId).all(decoding: UserIdRow.self).map(\.userId)
            let added = Set(userIds).subtracting(current)
            let now = Timestamp.now
            for userId in added {
                try await db.insert(into: "meeting_invitees").columns("meeting_id", "user_id", "invited_at")
                    .values(SQLBind(meetingId), SQLBind(userId), SQLBind(now)).run()
            }
            return Array(added)
        }
    }

    public func inviteeIds(meetingId: String) async throws -> [String] {
        try await database.read { db in
            try await db.select().column("user_id").from("meeting_invitees").where("meeting_id", .equal, meetingId)
                .orderBy("invited_at").all(decoding: UserIdRow.self).map(\.userId)
        }
    }

    /// Invitees of many meetings at once, by meeting id, in invitation order.
    public func inviteeIds(meetingIds: [String]) async throws -> [String: [String]] {
        guard !meetingIds.isEmpty else { return [:] }
        struct Row: Decodable { var meetingId: String; var userId: String }
        let rows = try await database.read { db in
            try await db.select().columns("meeting_id", "user_id").from("meeting_invitees")
                .where("meeting_id", .in, Array(Set(meetingIds))).orderBy("invited_at").records(Row.self)
        }
        return Dictionary(grouping: rows, by: \.meetingId).mapValues { $0.map(\.userId) }
    }

    public func isInvited(meetingId: String, userId: String) async throws -> Bool {
        try await database.read { db in
            try await db.select().column("user_id").from("meeting_invitees").where("meeting_id", .equal, meetingId)
                .where("user_id", .equal, userId).first() != nil
        }
    }

    /// Meetings a user hosts or is invited to, not cancelled, newest first.
    public func meetings(visibleTo userId: String) async throws -> [MeetingRecord] {
        try await database.read { db in
            try await db.select().column("*").from("meetings")
                .where("cancelled_at", .is, SQLLiteral.null)
                .where { group in
                    group.where("host_id", .equal, userId)
                        .orWhere(SQLQueryString("id IN (SELECT meeting_id FROM meeting_invitees WHERE user_id = \(bind: userId))"))
                }
                .orderBy("created_at", .descending)
                .limit(500)
                .records(MeetingRecord.self)
        }
    }

    /// Scheduled meetings of a user (hosted or invited) that may have an
    /// occurrence overlapping [from, to), using the stored bounds.
    public func scheduledMeetings(for userId: String, overlappingFrom from: Int, to: Int) async throws -> [MeetingRecord] {
        try await database.read { db in
            try await db.select().column("*").from("meetings")
                .where("kind", .equal, MeetingRecord.scheduled)
                .where("cancelled_at", .is, SQLLiteral.null)
                .where("first_start", .lessThan, to)
                .where { $0.where("last_end", .is, SQLLiteral.null).orWhere("last_end", .greaterThan, from) }
                .where { group in
                    group.where("host_id", .equal, userId)
                        .orWhere(SQLQueryString("id IN (SELECT meeting_id FROM meeting_invitees WHERE user_id = \(bind: userId))"))
                }
                .records(MeetingRecord.self)
        }
    }

    /// Every scheduled, live meeting that may have an occurrence starting before `before`
    /// and not yet ended at `after` (the reminder scheduler's working set).
    public func scheduledMeetings(activeAfter after: Int, startingBefore before: Int) async throws -> [MeetingRecord] {
        try await database.read { db in
            try await db.select().column("*").from("meetings")
                .where("kind", .equal, MeetingRecord.scheduled)
                .where("cancelled_at", .is, SQLLiteral.null)
                .where("first_start", .lessThan, before)
                .where { $0.where("last_end", .is, SQLLiteral.null).orWhere("last_end", .greaterThan, after) }
                .records(MeetingRecord.self)
        }
    }

    public func overrides(meetingId: String) async throws -> [OccurrenceOverrideRecord] {
        try await database.read { db in
            try await db.select().column("*").from("occurrence_overrides").where("meeting_id", .equal, meetingId)
                .orderBy("original_start").records(OccurrenceOverrideRecord.self)
        }
    }

    /// Overrides for many meetings at once, grouped by meeting id.
    public func overrides(meetingIds: [String]) async throws -> [String: [OccurrenceOverrideRecord]] {
        guard !meetingIds.isEmpty else { return [:] }
        let rows = try await database.read { db in
            try await db.select().column("*").from("occurrence_overrides").where("meeting_id", .in, meetingIds)
                .records(OccurrenceOverrideRecord.self)
        }
        return Dictionary(grouping: rows, by: \.meetingId)
    }

    /// Records an edit or cancellation of one occurrence and bumps the meeting's
    /// iCalendar SEQUENCE (RFC 5545 §3.8.7.4) so calendar apps pick it up.
    public func saveOverride(_ override: OccurrenceOverrideRecord) async throws {
        try await database.transaction { db in
            try await db.delete(from: "occurrence_overrides").where("meeting_id", .equal, override.meetingId)
                .where("original_start", .equal, override.originalStart).run()
            try await db.insert(into: "occurrence_overrides").record(override).run()
            try await db.update("meetings").set(SQLIdentifier("sequence"), to: SQLRaw("sequence + 1"))
                .set("updated_at", to: override.updatedAt).where("id", .equal, override.meetingId).run()
        }
    }

    /// Removes overrides whose slots no longer exist after the series changed.
    public func deleteOverrides(meetingId: String, originalStarts: [Int]) async throws {
        guard !originalStarts.isEmpty else { return }
        try await database.transaction { db in
            try await db.delete(from: "occurrence_overrides").where("meeting_id", .equal, meetingId)
                .where("original_start", .in, originalStarts).run()
        }
    }
}

struct UserIdRow: Decodable {
    var userId: String
    enum CodingKeys: String, CodingKey { case userId = "user_id" }
}
