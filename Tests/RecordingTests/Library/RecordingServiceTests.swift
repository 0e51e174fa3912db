import Foundation
import Logging
import NIOPosix
import Rooms
import SFU
import Store
import Testing
@testable import Recording

/// The recorder in a real room (media node, router, local transports) fed
/// with real VP8 and Opus, the store on SQLite, and ffmpeg compositing.
@Suite(.serialized) struct RecordingServiceTests {
    static func waitReady(_ store: Store, _ id: String, timeout: Double = 120) async throws -> RecordingRecord {
        let (record, progress) = try await RoomFixture.waitReady(store, id, timeout: timeout)
        #expect(progress == progress.sorted(), "progress went backwards: \(progress)")
        return record
    }

    @Test func aRecordingCapturesEachTrackAndCompositesOneMP4() async throws {
        let (vp8, opus) = try await RoomFixture.media(seconds: 8)
        try await RoomFixture.with { f in
            try await f.publish(vp8: vp8, opus: opus)
            let service = f.service()
            try await Task.sleep(for: .milliseconds(500))
            let started = try await service.start(meeting: f.meeting, startedBy: f.meeting.hostId)
            #expect(await f.room.info.recording)
            // The recorder is in the room but nobody sees it.
            #expect(await f.room.participantCount == 1)
            await #expect(throws: RecordingError.self) { _ = try await service.start(meeting: f.meeting, startedBy: "x") }
            try await Task.sleep(for: .seconds(4))
            let stopped = try await service.stop(meetingID: f.meeting.id)
            #expect(await !f.room.info.recording)
            #expect(abs(Double(stopped.durationMs) / 1000 - 4) < 0.5, "\(stopped.durationMs) ms")
            let dir = service.directory(of: started.id)

            // Each track as received, on the recording's timeline.
            let manifest = try JSONDecoder().decode(RecordingManifest.self, from: Data(contentsOf: dir.appendingPathComponent("manifest.json")))
            #expect(manifest.participants.map(\.displayName) == ["Ann"])
            #expect(Set(manifest.tracks.map(\.codec)) == ["vp8", "opus"])
            let camera = try #require(manifest.tracks.first { $0.codec == "vp8" })
            #expect(camera.width == 320 && camera.height == 240)
            // The camera waits for its next keyframe (one a second); the voice starts at once.
            #expect(camera.start < 1.2, "\(camera.start)")
            let voice = try #require(manifest.tracks.first { $0.codec == "opus" })
            #expect(voice.start < 1, "\(voice.start)")
            #expect(voice.live.first.map { $0.end > 3.7 } == true, "\(voice.live)")
            await #expect(try Tool.streams(dir.appendingPathComponent(camera.file)).first?.codec == "vp8")
            #expect(service.trackFiles(of: started.id).count == 2)

            let ready = try await Self.waitReady(f.store, started.id)
            #expect(ready.status == RecordingRecord.ready, "\(ready.error ?? "")")
            #expect(ready.progress == 100)
            let mp4 = service.compositeFile(of: started.id)
            #expect(ready.sizeBytes == (try FileManager.default.attributesOfItem(atPath: mp4.path)[.size] as? Int))
            let streams = try await Tool.streams(mp4)
            #expect(streams.map(\.codec).sorted() == ["aac", "h264"])
            let samples = try await Tool.decodeAudio(mp4)
            #expect(abs(toneFrequency(samples[48000..<(48000 + 9600)]) - 440) < 15)
            // Deleting takes the files and the row.
            try await service.delete(id: started.id)
            #expect(!FileManager.default.fileExists(atPath: dir.path))
            #expect(try await f.store.recording(id: started.id) == nil)
        }
    }

    @Test func aRecordingInterruptedByACrashIsFinishedAtTheNextStart() async throws {
        let (vp8, opus) = try await RoomFixture.media(seconds: 6)
        try await RoomFixture.with { f in
            try await f.publish(vp8: vp8, opus: opus)
            // What a crashed process leaves: a row still "recording", a timeline
            // and track files cut off mid-stream, and no one to stop it.
            let service = f.service()
            let now = Timestamp.now
            let record = RecordingRecord(id: UUID().uuidString.lowercased(), meetingId: f.meeting.id, meetingTitle: f.meeting.title,
                                         hostId: f.meeting.hostId, startedBy: f.meeting.hostId, node: service.node,
                                         startedAt: now, createdAt: now, updatedAt: now)
            try await f.store.createRecording(record, managerIds: [], viewerIds: [])
            var logger = Logger(label: "orphan")
            logger.logLevel = .critical
            let orphan = try Recorder(recordingID: record.id, directory: service.directory(of: record.id), media: f.media,
                                      eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
            try await orphan.join(f.room)
            try await Task.sleep(for: .seconds(3))
            // Another node's unfinished recording is left alone.
            let foreign = RecordingRecord(id: UUID().uuidString.lowercased(), meetingId: f.meeting.id, meetingTitle: "elsewhere",
                                          hostId: f.meeting.hostId, startedBy: "x", node: "other-host:/srv/rec",
                                          startedAt: now, createdAt: now, updatedAt: now)
            try await f.store.createRecording(foreign, managerIds: [], viewerIds: [])

            await service.recover()
            let ready = try await Self.waitReady(f.store, record.id)
            #expect(ready.status == RecordingRecord.ready, "\(ready.error ?? "")")
            #expect(ready.durationMs > 2500 && ready.durationMs < 4500, "\(ready.durationMs)")
            await #expect(try Tool.streams(service.compositeFile(of: record.id)).map(\.codec).sorted() == ["aac", "h264"])
            #expect(try await f.store.recording(id: foreign.id)?.status == RecordingRecord.recording)
            _ = await orphan.stop()
        }
    }
}
