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
@testable import Recording

/// A real room (media node, router, local transports) with a meeting in a
/// SQLite store, where test participants publish real VP8 and Opus in real
/// time from threads, as a phone call or another server process would.
final class RoomFixture: @unchecked Sendable {
    let media: MediaNode
    let rooms: RoomRegistry
    let store: Store
    let database: Database
    let directory: URL
    let meeting: MeetingRecord
    private(set) var room: Room!
    private var publishers: [Publisher] = []

    /// One participant sending a camera and a microphone until stopped.
    final class Publisher: @unchecked Sendable {
        let participantID: String
        let transport: LocalTransportHandle
        let cameraID: String
        let micID: String
        let events: EventLog
        let stopped = Mutex(false)

        init(participantID: String, transport: LocalTransportHandle, cameraID: String, micID: String, events: EventLog) {
            self.participantID = participantID
            self.transport = transport
            self.cameraID = cameraID
            self.micID = micID
            self.events = events
        }

        func stop() { stopped.withLock { $0 = true } }
    }

    /// What the room told a participant.
    final class EventLog: ParticipantConnection, @unchecked Sendable {
        private let received = Mutex<[RoomEvent]>([])
        var all: [RoomEvent] { received.withLock { $0 } }
        func deliver(_ event: RoomEvent) { received.withLock { $0.append(event) } }
        func close() {}
    }

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

    func settings(jobs: Int = 1) -> RecordingSettings {
        RecordingSettings(directory: directory, compositeJobs: jobs)
    }

    func service(jobs: Int = 1) -> RecordingService {
        service(settings(jobs: jobs))
    }

    func service(_ settings: RecordingSettings) -> RecordingService {
        var logger = Logger(label: "recording-test")
        logger.logLevel = .critical
        return RecordingService(store: store, rooms: rooms, settings: settings,
                                eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
    }

    /// `name` joins (Ann, the host, unless said otherwise) and sends `vp8`
    /// and `opus` in real time from a thread until the media ends or `stop`.
    @discardableResult
    func publish(as name: String = "Ann", userId: String? = nil, role: ParticipantRole = .host,
                 vp8: [[UInt8]], opus: [[UInt8]]) async throws -> Publisher {
        let info = RoomInfo(meetingId: meeting.id, code: meeting.code, title: meeting.title, locked: false, lobbyEnabled: false)
        let room = try await rooms.room(for: info, joiningAs: role)
        self.room = room
        let sender = try await media.createLocalTransport(routerID: meeting.id, sink: { _ in })
        let events = EventLog()
        let id = try await room.join(JoinRequest(displayName: name, userId: userId ?? (role == .host ? meeting.hostId : nil), role: role,
                                                 media: .local(transportID: sender.id)), connection: events)
        // No frames, no camera (a phone caller).
        let cameraID = vp8.isEmpty ? ""
            : try await room.publishLocal(id, source: .camera, codec: RTPCodecParameters(payloadType: 96, name: "VP8", clockRate: 90000))
        let micID = try await room.publishLocal(id, source: .microphone,
                                                codec: RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2))
        let publisher = Publisher(participantID: id, transport: sender, cameraID: cameraID, micID: micID, events: events)
        publishers.append(publisher)
        var video = TestPacketizer(payloadType: 96)
        video.ssrc = UInt32.random(in: 1...UInt32.max)
        var audio = TestPacketizer(payloadType: 111)
        audio.ssrc = UInt32.random(in: 1...UInt32.max)
        let frames = TestStreams.vp8(vp8, start: 0, packetizer: &video)
        let voice = TestStreams.opus(opus, start: 0, packetizer: &audio)
        // A thread, not a task: a paced loop must not hold a cooperative thread.
        Thread {
            let origin = Date()
            var f = 0, v = 0
            while !publisher.stopped.withLock({ $0 }), f < frames.count || v < voice.count {
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
        return publisher
    }

    /// The publisher leaves the room (its media stops first).
    func leave(_ publisher: Publisher) async {
        publisher.stop()
        await room.leave(publisher.participantID)
        await media.closeTransport(publisher.transport.id)
    }

    func stop() async {
        for p in publishers { p.stop() }
        await rooms.shutdown()
        await media.stop()
        await database.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` and cleans up whatever happens.
    static func with(_ body: (RoomFixture) async throws -> Void) async throws {
        let f = try await RoomFixture()
        do {
            try await body(f)
        } catch {
            await f.stop()
            throw error
        }
        await f.stop()
    }

    /// A camera and a voice, `seconds` long (the voice a `frequency` sine).
    static func media(seconds: Double, frequency: Int = 440) async throws -> (vp8: [[UInt8]], opus: [[UInt8]]) {
        try await withTemporaryDirectory { dir in
            (try await MediaFixtures.vp8Frames(in: dir, seconds: seconds, width: 320, height: 240),
             try await MediaFixtures.opusPackets(in: dir, seconds: seconds, frequency: frequency))
        }
    }

    /// Polls the store until the recording is ready or failed; its progress never goes back.
    static func waitReady(_ store: Store, _ id: String, timeout: Double = 120) async throws -> (RecordingRecord, progress: [Int]) {
        let deadline = Date().addingTimeInterval(timeout)
        var progress: [Int] = []
        while Date() < deadline {
            guard let record = try await store.recording(id: id) else { throw RecordingError.notFound }
            if progress.last != record.progress { progress.append(record.progress) }
            if record.status == RecordingRecord.ready || record.status == RecordingRecord.failed {
                return (record, progress)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RecordingError.conflict("not ready after \(timeout) s")
    }
}
