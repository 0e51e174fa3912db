import Foundation
import StoreTesting
import Testing
@testable import Store

@Suite("Recordings in the store")
struct RecordingStoreTests {
    static let engines = TestDatabase.engines

    @Test("who may watch and manage a recording follows the meeting's setting", arguments: engines)
    func access(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let host = try await store.createUser(username: "host", displayName: "Host", passwordHash: "h")
            let cohost = try await store.createUser(username: "co", displayName: "Co", passwordHash: "h")
            let attendee = try await store.createUser(username: "att", displayName: "Att", passwordHash: "h")
            let invitee = try await store.createUser(username: "inv", displayName: "Inv", passwordHash: "h")
            let stranger = try await store.createUser(username: "str", displayName: "Str", passwordHash: "h")
            let now = Timestamp.now
            var meeting = try await store.createMeeting(
                MeetingRecord(id: "m1", code: "aaa-bbbb-ccc", dialInCode: "1234567890", hostId: host.id, kind: MeetingRecord.instant,
                              title: "Weekly", description: "", createdAt: now, updatedAt: now),
                inviteeIds: [invitee.id]) { ("aaa-bbbb-ccc", "1234567890") }
            let recording = RecordingRecord(id: "r1", meetingId: meeting.id, meetingTitle: meeting.title, hostId: host.id,
                                            startedBy: cohost.id, startedAt: now, createdAt: now, updatedAt: now)
            try await store.createRecording(recording, managerIds: [cohost.id], viewerIds: [attendee.id])
            #expect(try await store.activeRecording(meetingId: meeting.id)?.id == "r1")

            // Participants may not watch until the meeting says so.
            #expect(try await store.recordingAccess(recordingId: "r1", userId: host.id) == .manage)
            #expect(try await store.recordingAccess(recordingId: "r1", userId: cohost.id) == .manage)
            #expect(try await store.recordingAccess(recordingId: "r1", userId: attendee.id) == RecordingAccess.none)
            #expect(try await store.recordings(visibleTo: attendee.id).isEmpty)
            #expect(try await store.recordings(visibleTo: cohost.id).map(\.id) == ["r1"])
            #expect(try await store.recordingIDs(managedBy: host.id) == ["r1"])
            #expect(try await store.recordingIDs(managedBy: cohost.id) == ["r1"])
            #expect(try await store.recordingIDs(managedBy: attendee.id).isEmpty)

            meeting.recordingsVisible = true
            try await store.updateMeeting(meeting, inviteeIds: nil)
            #expect(try await store.recordingAccess(recordingId: "r1", userId: attendee.id) == .watch)
            #expect(try await store.recordingAccess(recordingId: "r1", userId: invitee.id) == .watch)
            #expect(try await store.recordingAccess(recordingId: "r1", userId: stranger.id) == RecordingAccess.none)
            #expect(try await store.recordings(visibleTo: invitee.id).map(\.id) == ["r1"])
            #expect(try await store.recordings(visibleTo: stranger.id).isEmpty)

            // Granting twice, and promoting a viewer, keeps one row each.
            try await store.grantRecordingAccess(recordingId: "r1", managerIds: [attendee.id], viewerIds: [attendee.id, stranger.id])
            #expect(try await store.recordingAccess(recordingId: "r1", userId: attendee.id) == .manage)
            #expect(try await store.recordingAccess(recordingId: "r1", userId: stranger.id) == .watch)
        }
    }

    @Test("a recording moves through its states and outlives its meeting", arguments: engines)
    func lifecycle(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let host = try await store.createUser(username: "host", displayName: "Host", passwordHash: "h")
            let now = Timestamp.now
            let meeting = try await store.createMeeting(
                MeetingRecord(id: "m1", code: "aaa-bbbb-ccc", dialInCode: "1234567890", hostId: host.id, kind: MeetingRecord.instant,
                              title: "Standup", description: "", recordAutomatically: true, createdAt: now, updatedAt: now),
                inviteeIds: []) { ("aaa-bbbb-ccc", "1234567890") }
            #expect(try await store.meeting(id: "m1")?.recordAutomatically == true)
            var recording = RecordingRecord(id: "r1", meetingId: meeting.id, meetingTitle: meeting.title, hostId: host.id,
                                            startedBy: "automatic", startedAt: now, createdAt: now, updatedAt: now)
            try await store.createRecording(recording, managerIds: [], viewerIds: [])
            recording.status = RecordingRecord.queued
            recording.stoppedAt = now + 10_000
            recording.durationMs = 10_000
            recording.participants = #"["Ann","Bob"]"#
            try await store.updateRecording(recording)
            try await store.setRecordingProgress(id: "r1", progress: 42)
            #expect(try await store.recording(id: "r1")?.progress == 0, "only a recording being processed has progress")
            recording.status = RecordingRecord.processing
            try await store.updateRecording(recording)
            try await store.setRecordingProgress(id: "r1", progress: 42)
            try await store.setRecordingProgress(id: "r1", progress: 17)
            #expect(try await store.activeRecording(meetingId: "m1") == nil)
            let queued = try await store.recordings(status: [RecordingRecord.queued, RecordingRecord.processing])
            #expect(queued.first?.status == RecordingRecord.processing)
            #expect(queued.map(\.id) == ["r1"])
            #expect(queued.first?.progress == 42)
            #expect(queued.first?.participants == #"["Ann","Bob"]"#)

            // Meetings are cancelled, not deleted, today; if a row ever goes, the recording stays.
            try await store.database.transaction { db in try await db.raw("DELETE FROM meetings WHERE id = 'm1'").run() }
            let kept = try await store.recording(id: "r1")
            #expect(kept?.meetingId == nil)
            #expect(kept?.meetingTitle == "Standup")
            #expect(try await store.recordingAccess(recordingId: "r1", userId: host.id) == .manage)

            try await store.deleteRecording(id: "r1")
            #expect(try await store.recording(id: "r1") == nil)
        }
    }
}
