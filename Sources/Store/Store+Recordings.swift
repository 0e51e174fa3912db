import SQLKit

extension Store {
    /// Adds a recording with who may manage it (host, co-hosts) and who may
    /// watch it when the meeting allows (signed-in participants).
    public func createRecording(_ recording: RecordingRecord, managerIds: [String], viewerIds: [String]) async throws {
        try await database.transaction { db in
            try await db.insert(into: "recordings").record(recording).run()
            try await Self.grant(db, recordingID: recording.id, managerIds: managerIds + [recording.hostId], viewerIds: viewerIds)
        }
    }

    /// Adds people to a recording's access list (someone joined mid-recording,
    /// a co-host was named). Managing wins over watching.
    public func grantRecordingAccess(recordingId: String, managerIds: [String], viewerIds: [String]) async throws {
        try await database.transaction { db in
            try await Self.grant(db, recordingID: recordingId, managerIds: managerIds, viewerIds: viewerIds)
        }
    }

    private static func grant(_ db: any SQLDatabase, recordingID: String, managerIds: [String], viewerIds: [String]) async throws {
        struct Row: Decodable { var userId: String; var mayManage: Bool }
        let current = try await db.select().columns("user_id", "may_manage").from("recording_access")
            .where("recording_id", .equal, recordingID).records(Row.self)
        var existing: [String: Bool] = [:]
        for row in current { existing[row.userId] = row.mayManage }
        let managers = Set(managerIds)
        for userId in managers.union(viewerIds) {
            let manage = managers.contains(userId)
            switch existing[userId] {
            case nil:
                try await db.insert(into: "recording_access").columns("recording_id", "user_id", "may_manage")
                    .values(SQLBind(recordingID), SQLBind(userId), SQLBind(manage)).run()
            case false? where manage:
                try await db.update("recording_access").set("may_manage", to: true)
                    .where("recording_id", .equal, recordingID).where("user_id", .equal, userId).run()
            default:
                break
            }
        }
    }

    public func recording(id: String) async throws -> RecordingRecord? {
        try await database.read { db in
            try await db.select().column("*").from("recordings").where("id", .equal, id).record(RecordingRecord.self)
        }
    }

    /// The meeting's recording that is capturing now, if any.
    public func activeRecording(meetingId: String) async throws -> RecordingRecord? {
        try await database.read { db in
            try await db.select().column("*").from("recordings").where("meeting_id", .equal, meetingId)
                .where("status", .equal, RecordingRecord.recording).record(RecordingRecord.self)
        }
    }

    /// Recordings in any of these states, oldest first (restart recovery, the job queue).
    public func recordings(status: [RecordingStatus]) async throws -> [RecordingRecord] {
        try await database.read { db in
            try await db.select().column("*").from("recordings").where("status", .in, status)
                .orderBy("started_at").records(RecordingRecord.self)
        }
    }

    /// Recordings a user may see, newest first: those they manage, and those
    /// of meetings that let participants watch, if they took part or were invited.
    public func recordings(visibleTo userId: String) async throws -> [RecordingRecord] {
        try await database.read { db in
            try await db.select().column("*").from("recordings")
                .where(SQLQueryString("""
                    id IN (SELECT recording_id FROM recording_access WHERE user_id = \(bind: userId) AND may_manage = \(bind: true))
                    OR (meeting_id IN (SELECT id FROM meetings WHERE recordings_visible = \(bind: true))
                        AND (id IN (SELECT recording_id FROM recording_access WHERE user_id = \(bind: userId))
                             OR meeting_id IN (SELECT meeting_id FROM meeting_invitees WHERE user_id = \(bind: userId))))
                    """))
                .orderBy("started_at", .descending)
                .limit(500)
                .records(RecordingRecord.self)
        }
    }

    /// The recordings a user manages (as the host or a co-host), in one query
    /// (the library marks them without asking recording by recording).
    public func recordingIDs(managedBy userId: String) async throws -> Set<String> {
        struct Row: Decodable { var id: String }
        let rows = try await database.read { db in
            try await db.select().column("id").from("recordings")
                .where(SQLQueryString("""
                    host_id = \(bind: userId) OR id IN (SELECT recording_id FROM recording_access
                                                       WHERE user_id = \(bind: userId) AND may_manage = \(bind: true))
                    """))
                .records(Row.self)
        }
        return Set(rows.map(\.id))
    }

    /// What a user may do with a recording.
    public func recordingAccess(recordingId: String, userId: String) async throws -> RecordingAccess {
        guard let recording = try await recording(id: recordingId) else { return .none }
        struct Row: Decodable { var mayManage: Bool }
        let row = try await database.read { db in
            try await db.select().column("may_manage").from("recording_access")
                .where("recording_id", .equal, recordingId).where("user_id", .equal, userId).record(Row.self)
        }
        if recording.hostId == userId || row?.mayManage == true { return .manage }
        guard let meetingId = recording.meetingId, let meeting = try await meeting(id: meetingId),
              meeting.recordingsVisible else { return .none }
        if row != nil { return .watch }
        return try await isInvited(meetingId: meetingId, userId: userId) ? .watch : .none
    }

    /// Updates the fields that change as a recording moves on: status,
    /// progress, stop time, duration, size, participants and error.
    public func updateRecording(_ recording: RecordingRecord) async throws {
        try await database.transaction { db in
            try await db.update("recordings")
                .set("status", to: recording.status).set("progress", to: recording.progress)
                .set("stopped_at", to: recording.stoppedAt).set("duration_ms", to: recording.durationMs)
                .set("size_bytes", to: recording.sizeBytes).set("participants", to: recording.participants)
                .set("error", to: recording.error).set("updated_at", to: Timestamp.now)
                .where("id", .equal, recording.id).run()
        }
    }

    /// Records composite progress without touching anything else. Only a
    /// recording being processed moves, and only forward: a late progress
    /// report never overwrites "ready, 100%".
    public func setRecordingProgress(id: String, progress: Int) async throws {
        try await database.transaction { db in
            try await db.update("recordings").set("progress", to: progress).set("updated_at", to: Timestamp.now)
                .where("id", .equal, id).where("status", .equal, RecordingRecord.processing)
                .where("progress", .lessThan, progress).run()
        }
    }

    /// Removes a recording's row; its files are the caller's to delete.
    public func deleteRecording(id: String) async throws {
        try await database.transaction { db in
            try await db.delete(from: "recordings").where("id", .equal, id).run()
        }
    }
}

/// What a user may do with one recording.
public enum RecordingAccess: Sendable, Equatable {
    case none
    /// Play and download.
    case watch
    /// Also stop, delete, and see processing details.
    case manage
}
