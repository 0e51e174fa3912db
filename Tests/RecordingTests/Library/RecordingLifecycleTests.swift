import Foundation
import Logging
import Rooms
import Store
import Testing
@testable import Recording

/// What happens to a recording while the meeting goes on: people coming,
/// muting, being promoted and leaving; two starts at once; a disk that fills.
@Suite(.serialized) struct RecordingLifecycleTests {
    /// The event log's lines of one kind.
    static func timeline(_ service: RecordingService, _ id: String) throws -> [TimelineEvent] {
        try TimelineLog.read(url: service.directory(of: id).appendingPathComponent(RecordingFiles.timeline))
    }

    /// Paths this process has open (from /proc/self/fd).
    static func openFiles() -> Set<String> {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return Set(fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)") })
    }

    @Test func someoneWhoJoinsMutesIsPromotedAndLeavesMidRecordingIsOnTheTimeline() async throws {
        let ann = try await RoomFixture.media(seconds: 14)
        let bo = try await RoomFixture.media(seconds: 14, frequency: 880)
        try await RoomFixture.with { f in
            let annPublisher = try await f.publish(vp8: ann.vp8, opus: ann.opus)
            let boUser = try await f.store.createUser(username: "bo", displayName: "Bo", passwordHash: "h")
            let service = f.service()
            try await Task.sleep(for: .milliseconds(300))
            // The recording's time 0 falls between these two instants; each
            // step below is timed the same way, so what the timeline says can
            // be checked however slowly a loaded machine ran the steps.
            let before = Date()
            let record = try await service.start(meeting: f.meeting, startedBy: f.meeting.hostId)
            let after = Date()
            /// Runs `step`; the span of recording time in which it happened (plus delivery).
            func timed(_ step: () async throws -> Void) async rethrows -> ClosedRange<Double> {
                let start = Date()
                try await step()
                return (start.timeIntervalSince(after) - 0.05)...(Date().timeIntervalSince(before) + 0.5)
            }

            try await Task.sleep(for: .seconds(1.5))
            var boPublisher: RoomFixture.Publisher!
            let joined = try await timed {
                boPublisher = try await f.publish(as: "Bo", userId: boUser.id, role: .participant, vp8: bo.vp8, opus: bo.opus)
            }
            try await Task.sleep(for: .seconds(1.5))
            let muted = try await timed { try await f.room.setMuted(boPublisher.participantID, source: .microphone, muted: true) }
            try await Task.sleep(for: .seconds(1.5))
            let unmuted = try await timed { try await f.room.setMuted(boPublisher.participantID, source: .microphone, muted: false) }
            // A co-host from now on: Bo may manage the recording afterwards.
            try await f.room.setCohost(by: annPublisher.participantID, target: boPublisher.participantID, cohost: true)
            try await Task.sleep(for: .seconds(1.5))
            let left = await timed { await f.leave(boPublisher) }
            try await Task.sleep(for: .seconds(1))

            // Bo's files were finished when he left, not kept open until the end.
            let events = try Self.timeline(service, record.id)
            let boFiles = events.filter { $0.event == .track && $0.participant == boPublisher.participantID }.compactMap(\.file)
            #expect(boFiles.count == 2, "\(events)")
            let open = Self.openFiles()
            for file in boFiles {
                let path = service.directory(of: record.id).appendingPathComponent(file).standardizedFileURL.path
                #expect(!open.contains { $0.hasSuffix(path) || path.hasSuffix($0) }, "\(file) is still open")
            }
            #expect(events.filter { $0.event == .trackEnded }.count == 2, "\(events)")
            _ = try await service.stop(meetingID: f.meeting.id)

            let manifest = try JSONDecoder().decode(
                RecordingManifest.self, from: Data(contentsOf: service.directory(of: record.id).appendingPathComponent(RecordingFiles.manifest)))
            #expect(manifest.participants.map(\.displayName) == ["Ann", "Bo"])
            let boPresent = try #require(manifest.participants.last?.present.first)
            #expect(joined.contains(boPresent.start) && left.contains(boPresent.end), "\(boPresent) joined \(joined) left \(left)")
            let boMic = try #require(manifest.tracks.first { $0.participantID == boPublisher.participantID && $0.kind == "audio" })
            // Live, muted for a while, live again until he left.
            #expect(boMic.live.count == 2, "\(boMic.live)")
            if boMic.live.count == 2 {
                #expect(muted.contains(boMic.live[0].end) && unmuted.contains(boMic.live[1].start), "\(boMic.live) \(muted) \(unmuted)")
                #expect(left.contains(boMic.live[1].end), "\(boMic.live) \(left)")
            }
            let boCamera = try #require(manifest.tracks.first { $0.participantID == boPublisher.participantID && $0.kind == "video" })
            #expect(boCamera.start >= joined.lowerBound, "\(boCamera.start)")
            // Ann's voice was live throughout.
            let annMic = try #require(manifest.tracks.first { $0.participantID == annPublisher.participantID && $0.kind == "audio" })
            #expect(annMic.live.count == 1 && annMic.live[0].end > left.upperBound, "\(annMic.live)")
            // The promotion reached the recording's access list.
            var access = RecordingAccess.none
            for _ in 0..<50 where access != .manage {
                access = try await f.store.recordingAccess(recordingId: record.id, userId: boUser.id)
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(access == .manage)
            await service.shutdown()
        }
    }

    @Test func twoStartsAtOnceMakeOneRecording() async throws {
        let media = try await RoomFixture.media(seconds: 6)
        try await RoomFixture.with { f in
            try await f.publish(vp8: media.vp8, opus: media.opus)
            let service = f.service()
            try await Task.sleep(for: .milliseconds(300))
            /// nil when this start recorded, else why not.
            @Sendable func attempt(_ by: String) async -> RecordingError? {
                do {
                    _ = try await service.start(meeting: f.meeting, startedBy: by)
                    return nil
                } catch {
                    return error as? RecordingError ?? .io("\(error)")
                }
            }
            async let first = attempt("automatic")
            async let second = attempt(f.meeting.hostId)
            let results = await [first, second]
            #expect(results.filter { $0 == nil }.count == 1, "\(results)")
            #expect(results.compactMap { $0?.code } == ["conflict"], "\(results)")
            let rows = try await f.store.recordings(status: [RecordingRecord.recording])
            #expect(rows.count == 1)
            // One recorder in the room, and it is hidden.
            #expect(await f.room.participantCount == 1)
            await service.shutdown()
        }
    }

    @Test func aServerShortOfDiskSpaceDoesNotStartRecording() async throws {
        let media = try await RoomFixture.media(seconds: 3)
        try await RoomFixture.with { f in
            try await f.publish(vp8: media.vp8, opus: media.opus)
            // More free space than any disk has.
            var settings = f.settings()
            settings.minFreeBytes = Int64(1) << 60
            let service = f.service(settings)
            try await Task.sleep(for: .milliseconds(300))
            do {
                _ = try await service.start(meeting: f.meeting, startedBy: f.meeting.hostId)
                Issue.record("started without disk space")
            } catch let error as RecordingError {
                #expect(error.code == "insufficient_storage")
                #expect(error.description.contains("too little disk space"), "\(error.description)")
            }
            #expect(try await f.store.recordings(status: [RecordingRecord.recording]).isEmpty)
            #expect(await !f.room.info.recording)
            // The refusal holds nothing: the next start (with room to spare) works.
            let roomy = f.service()
            let record = try await roomy.start(meeting: f.meeting, startedBy: f.meeting.hostId)
            #expect(record.status == RecordingRecord.recording)
            await roomy.shutdown()
        }
    }

    @Test func aRecordingStopsByItselfWhenTheDiskRunsLowAndKeepsWhatItHas() async throws {
        let media = try await RoomFixture.media(seconds: 8)
        try await RoomFixture.with { f in
            let ann = try await f.publish(vp8: media.vp8, opus: media.opus)
            // Starts (no minimum), then finds the disk "too full" at its first check (every 2 s).
            var settings = f.settings()
            settings.stopBelowFreeBytes = Int64(1) << 60
            let service = f.service(settings)
            try await Task.sleep(for: .milliseconds(300))
            let record = try await service.start(meeting: f.meeting, startedBy: f.meeting.hostId)
            #expect(await f.room.info.recording)
            var status: RecordingStatus? = RecordingRecord.recording
            for _ in 0..<100 where status == RecordingRecord.recording {
                try await Task.sleep(for: .milliseconds(50))
                status = try await f.store.recording(id: record.id)?.status
            }
            #expect(status != RecordingRecord.recording, "still recording")
            #expect(await !f.room.info.recording)
            // Everyone is told why.
            let notices = ann.events.all.compactMap { event -> String? in
                if case .notice(let text) = event { return text }
                return nil
            }
            #expect(notices.contains { $0.contains("running out of disk space") }, "\(notices)")
            // What was captured becomes a recording.
            let ready = try await RecordingServiceTests.waitReady(f.store, record.id)
            #expect(ready.status == RecordingRecord.ready, "\(ready.error ?? "")")
            #expect(ready.durationMs > 1500 && ready.durationMs < 3500, "\(ready.durationMs)")
            await #expect(try Tool.streams(service.compositeFile(of: record.id)).map(\.codec).sorted() == ["aac", "h264"])
        }
    }

    /// Automatic recording starts with whoever is let in first (here a phone
    /// caller, who joins the room as the gateway does), once per session of
    /// the meeting: a host who stops it keeps it stopped until the room empties.
    @Test func aMeetingSetToRecordStartsWithItsFirstCallerOncePerSession() async throws {
        let media = try await RoomFixture.media(seconds: 12)
        try await RoomFixture.with { f in
            var meeting = f.meeting
            meeting.recordAutomatically = true
            _ = try await f.store.updateMeeting(meeting, inviteeIds: nil)
            let service = f.service()
            await f.rooms.setAdmissionObserver { room in await service.participantAdmitted(to: room) }

            func recordings() async throws -> [RecordingRecord] {
                try await f.store.recordings(status: [RecordingRecord.recording, RecordingRecord.queued,
                                                      RecordingRecord.processing, RecordingRecord.ready, RecordingRecord.failed])
            }
            func waitFor(_ what: String, _ condition: () async throws -> Bool) async throws {
                for _ in 0..<100 {
                    if try await condition() { return }
                    try await Task.sleep(for: .milliseconds(50))
                }
                Issue.record("timed out waiting for \(what)")
            }

            let caller = try await f.publish(as: "+1 555 0100", role: .phone, vp8: [], opus: media.opus)
            try await waitFor("the automatic recording") { await service.activeRecording(meetingID: f.meeting.id) != nil }
            let first = try #require(await service.activeRecording(meetingID: f.meeting.id))
            #expect(first.startedBy == "automatic")
            #expect(await f.room.info.recording)

            // The host stops it; Ann joining afterwards does not start another.
            _ = try await service.stop(meetingID: f.meeting.id)
            let ann = try await f.publish(vp8: media.vp8, opus: media.opus)
            try await Task.sleep(for: .seconds(1))
            #expect(await service.activeRecording(meetingID: f.meeting.id) == nil)
            #expect(try await recordings().count == 1)

            // Everyone leaves; the next session records again.
            await f.leave(ann)
            await f.leave(caller)
            try await waitFor("the room to close") { await f.rooms.existingRoom(f.meeting.id) == nil }
            try await f.publish(vp8: media.vp8, opus: media.opus)
            try await waitFor("a second automatic recording") { await service.activeRecording(meetingID: f.meeting.id) != nil }
            #expect(try await recordings().count == 2)
            await service.shutdown()
        }
    }

    @Test func theRecordingDirectoryKeepsItsIdentityAcrossRestarts() throws {
        try withTemporaryDirectory { directory in
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let first = RecordingService.nodeID(of: directory, logger: logger)
            #expect(!first.isEmpty)
            // Another process on the same directory (a restart, whatever its host name) is the same node.
            #expect(RecordingService.nodeID(of: directory, logger: logger) == first)
            let other = directory.appendingPathComponent("elsewhere")
            #expect(RecordingService.nodeID(of: other, logger: logger) != first)
            // The id file is not mistaken for a recording's files.
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(".node-id").path))
        }
    }
}
