import Foundation
import Logging
import NIOCore
import NIOPosix
import Rooms
import SDP
import SFU
import Store
import StoreTesting
import Synchronization
import Testing
@testable import Recording

/// The recorder in a real room (media node, router, local transports) fed
/// with real VP8 and Opus, the store on SQLite, and ffmpeg compositing.
@Suite(.serialized) struct RecordingServiceTests {
    /// A room with one participant who publishes a camera and a microphone
    /// through a local transport, sending in real time from a thread.
    final class Fixture: @unchecked Sendable {
        let media: MediaNode
        let rooms: RoomRegistry
        let store: Store
        let database: Database
        let directory: URL
        let meeting: MeetingRecord
        var room: Room!
        var sender: LocalTransportHandle!
        var cameraID = "", micID = ""
        let stopSending = Mutex(false)

        init() async throws {
            var logger = Logger(label: "recording-test")
            logger.logLevel = .critical
            media = try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0),
                                  eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
            try await media.start()
            rooms = RoomRegistry(media: media, logger: logger)
            await rooms.start()
            database = try await TestDatabase.open(.sqlite)
            store = Store(database: database)
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-rec-\(UUID().uuidString)")
            let host = try await store.createUser(username: "ann", displayName: "Ann", passwordHash: "h")
            let now = Timestamp.now
            meeting = try await store.createMeeting(
                MeetingRecord(id: UUID().uuidString.lowercased(), code: "aaa-bbbb-ccc", dialInCode: "1234567890", hostId: host.id,
                              kind: MeetingRecord.instant, title: "Recorder test", description: "", createdAt: now, updatedAt: now),
                inviteeIds: []) { ("aaa-bbbb-ccc", "1234567890") }
        }

        func service(jobs: Int = 1) -> RecordingService {
            var logger = Logger(label: "recording-test")
            logger.logLevel = .critical
            return RecordingService(store: store, rooms: rooms, settings: RecordingSettings(directory: directory, compositeJobs: jobs),
                                    logger: logger)
        }

        /// Ann joins and publishes; media flows until `stop`.
        func publish(vp8: [[UInt8]], opus: [[UInt8]]) async throws {
            let info = RoomInfo(meetingId: meeting.id, code: meeting.code, title: meeting.title, locked: false, lobbyEnabled: false)
            room = try await rooms.room(for: info, joiningAs: .host)
            sender = try await media.createLocalTransport(routerID: meeting.id, sink: { _ in })
            let id = try await room.join(JoinRequest(displayName: "Ann", userId: meeting.hostId, role: .host,
                                                     media: .local(transportID: sender.id)), connection: Silent())
            cameraID = try await room.publishLocal(id, source: .camera, codec: RTPCodecParameters(payloadType: 96, name: "VP8", clockRate: 90000))
            micID = try await room.publishLocal(id, source: .microphone,
                                                codec: RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2))
            var video = TestPacketizer(payloadType: 96)
            video.ssrc = 0x1111
            var audio = TestPacketizer(payloadType: 111)
            audio.ssrc = 0x2222
            let frames = TestStreams.vp8(vp8, start: 0, packetizer: &video)
            let voice = TestStreams.opus(opus, start: 0, packetizer: &audio)
            let sender = self.sender!, cameraID = self.cameraID, micID = self.micID
            // A thread, not a task: a paced loop must not hold a cooperative thread.
            Thread {
                let origin = Date()
                var f = 0, v = 0
                while !self.stopSending.withLock({ $0 }), f < frames.count || v < voice.count {
                    let now = Date().timeIntervalSince(origin)
                    var batch: [(producerID: String, packet: ByteBuffer)] = []
                    while f < frames.count, frames[f][0].arrival <= now {
                        batch += frames[f].map { (cameraID, ByteBuffer(bytes: $0.bytes)) }
                        f += 1
                    }
                    while v < voice.count, voice[v].arrival <= now {
                        batch.append((micID, ByteBuffer(bytes: voice[v].bytes)))
                        v += 1
                    }
                    sender.send(batch)
                    Thread.sleep(forTimeInterval: 0.005)
                }
            }.start()
        }

        func stop() async {
            stopSending.withLock { $0 = true }
            await rooms.shutdown()
            await media.stop()
            await database.close()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    struct Silent: ParticipantConnection {
        func deliver(_ event: RoomEvent) {}
        func close() {}
    }

    static func media(seconds: Double) throws -> (vp8: [[UInt8]], opus: [[UInt8]]) {
        try withTemporaryDirectory { dir in
            (try MediaFixtures.vp8Frames(in: dir, seconds: seconds, width: 320, height: 240),
             try MediaFixtures.opusPackets(in: dir, seconds: seconds, frequency: 440))
        }
    }

    static func waitReady(_ store: Store, _ id: String, timeout: Double = 120) async throws -> RecordingRecord {
        let deadline = Date().addingTimeInterval(timeout)
        var progress: [Int] = []
        while Date() < deadline {
            let record = try #require(try await store.recording(id: id))
            progress.append(record.progress)
            if record.status == RecordingRecord.ready || record.status == RecordingRecord.failed {
                #expect(progress == progress.sorted(), "progress went backwards: \(progress)")
                return record
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RecordingError.conflict("not ready after \(timeout) s")
    }

    @Test func aRecordingCapturesEachTrackAndCompositesOneMP4() async throws {
        let (vp8, opus) = try Self.media(seconds: 8)
        let f = try await Fixture()
        do {
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
            #expect(try Tool.streams(dir.appendingPathComponent(camera.file)).first?.codec == "vp8")
            #expect(service.trackFiles(of: started.id).count == 2)

            let ready = try await Self.waitReady(f.store, started.id)
            #expect(ready.status == RecordingRecord.ready, "\(ready.error ?? "")")
            #expect(ready.progress == 100)
            let mp4 = service.compositeFile(of: started.id)
            #expect(ready.sizeBytes == (try FileManager.default.attributesOfItem(atPath: mp4.path)[.size] as? Int))
            let streams = try Tool.streams(mp4)
            #expect(streams.map(\.codec).sorted() == ["aac", "h264"])
            let samples = try Tool.decodeAudio(mp4)
            #expect(abs(toneFrequency(samples[48000..<(48000 + 9600)]) - 440) < 15)
            // Deleting takes the files and the row.
            try await service.delete(id: started.id)
            #expect(!FileManager.default.fileExists(atPath: dir.path))
            #expect(try await f.store.recording(id: started.id) == nil)
        } catch {
            await f.stop()
            throw error
        }
        await f.stop()
    }

    @Test func aRecordingInterruptedByACrashIsFinishedAtTheNextStart() async throws {
        let (vp8, opus) = try Self.media(seconds: 6)
        let f = try await Fixture()
        do {
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
            let orphan = try Recorder(recordingID: record.id, directory: service.directory(of: record.id), media: f.media, logger: logger)
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
            #expect(try Tool.streams(service.compositeFile(of: record.id)).map(\.codec).sorted() == ["aac", "h264"])
            #expect(try await f.store.recording(id: foreign.id)?.status == RecordingRecord.recording)
            _ = await orphan.stop()
        } catch {
            await f.stop()
            throw error
        }
        await f.stop()
    }
}
