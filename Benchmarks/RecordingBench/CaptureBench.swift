import Foundation
import Logging
import NIOCore
import NIOPosix
import Recording
import Rooms
import SDP
import SFU
import Store

/// Part 2: how many meetings one process records at once. A real media node
/// (on the server's dedicated media loop), real rooms, four local publishers
/// per room sending VP8 and Opus in real time, and a `RecordingService` on
/// SQLite whose recorders write real files.
final class CaptureBench: Sendable {
    struct Options: Sendable {
        var window: Double = 15
        var baselineWindow: Double = 10
        var warmup: Double = 2
        var publishersPerRoom = 4
        var pacingThreads = 4
    }

    /// One K: the publishers alone, then the same publishers recorded.
    struct Result: Sendable {
        var rooms: Int
        var tracks: Int
        var baselineCPU: Double
        var recordingCPU: Double
        var packetsPerSecond: Double
        var megabitsPerSecond: Double
        var writtenMegabytesPerSecond: Double
        /// Frames (video) and packets (audio) sent while recording, and written to the files.
        var unitsSent: Int
        var unitsWritten: Int
        var packetsSent: Int
        var packetsReceived: Int
        var framesDropped: Int
        var packetsLost: Int
        /// The track that lost most, as "sent → written".
        var worstTrack: String
        var tracksMissing: Int
        /// From the publishers' pause until the files stop growing: the backlog.
        var drainSeconds: Double
        var baselineLatenessMs: Double
        var recordingLatenessMs: Double
        var residentMiB: Double
        /// The thread that worked hardest while recording (the media loop, usually): one thread cannot pass 100 %.
        var busiestThread: String
        var busiestThreadCPU: Double
        var problems: [String]

        var lostPercent: Double { unitsSent > 0 ? Double(unitsSent - unitsWritten) / Double(unitsSent) * 100 : 0 }
        var recordingCost: Double { recordingCPU - baselineCPU }
    }

    let options: Options
    let clips: MediaClips
    let media: MediaNode
    let rooms: RoomRegistry
    let database: Database
    let store: Store
    let service: RecordingService
    let collector: TrackStatsCollector
    let directory: URL
    let host: UserRecord

    private init(options: Options, clips: MediaClips, media: MediaNode, rooms: RoomRegistry, database: Database,
                 service: RecordingService, collector: TrackStatsCollector, directory: URL, host: UserRecord) {
        self.options = options
        self.clips = clips
        self.media = media
        self.rooms = rooms
        self.database = database
        store = Store(database: database)
        self.service = service
        self.collector = collector
        self.directory = directory
        self.host = host
    }

    /// Starts the media node, the rooms and the store under `directory`.
    static func make(options: Options, clips: MediaClips, directory: URL) async throws -> CaptureBench {
        var quiet = Logger(label: "recording-bench")
        quiet.logLevel = .error
        let media = try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0),
                                  // The bench's own media loop, apart from the loops its publishers use.
                                  eventLoop: MultiThreadedEventLoopGroup(numberOfThreads: 1).next(), logger: quiet)
        try await media.start()
        let rooms = RoomRegistry(media: media, logger: quiet)
        await rooms.start()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = try await Database.open(url: "", sqlitePath: directory.appendingPathComponent("parley.sqlite").path, logger: quiet,
                                               eventLoopGroup: MultiThreadedEventLoopGroup.singleton, threadPool: .singleton)
        let store = Store(database: database)
        let host = try await store.createUser(username: "bench", displayName: "Bench", passwordHash: "-")
        let collector = TrackStatsCollector()
        // No composites here (composite_jobs 0), and no limit on recordings at once.
        let settings = RecordingSettings(directory: directory.appendingPathComponent("recordings"), compositeJobs: 0, maxRecordings: 0)
        // Recorders on one loop per core, as `parley serve` places them.
        let service = RecordingService(store: store, rooms: rooms, settings: settings,
                                       eventLoopGroup: MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount),
                                       logger: collector.logger())
        return CaptureBench(options: options, clips: clips, media: media, rooms: rooms, database: database, service: service,
                            collector: collector, directory: directory, host: host)
    }

    func close() async {
        await service.shutdown()
        await rooms.shutdown()
        await media.stop()
        await database.close()
    }

    private struct Silent: ParticipantConnection {
        func deliver(_ event: RoomEvent) {}
        func close() {}
    }

    private struct Meeting {
        var record: MeetingRecord
        var room: Room
        var participants: [String]
    }

    /// Records `count` meetings at once and measures it.
    func run(rooms count: Int) async throws -> Result {
        var meetings: [Meeting] = []
        var publishers: [Publisher] = []
        for index in 0..<count {
            let (meeting, roomPublishers) = try await openMeeting(index: index, of: count)
            meetings.append(meeting)
            publishers += roomPublishers
        }
        let pool = PublisherPool(publishers: publishers, threads: options.pacingThreads)
        var recordings: [RecordingRecord] = []
        defer { pool.stop() }
        do {
            let result = try await measure(meetings: meetings, pool: pool, recordings: &recordings)
            await closeMeetings(meetings, recordings: recordings)
            return result
        } catch {
            pool.pause()
            await closeMeetings(meetings, recordings: recordings)
            throw error
        }
    }

    private func measure(meetings: [Meeting], pool: PublisherPool, recordings: inout [RecordingRecord]) async throws -> Result {
        // The publishers alone: what sending costs in this process.
        pool.resume()
        try await Task.sleep(for: .seconds(options.warmup))
        var before = ProcessUsage.current()
        _ = pool.takeMaximumLateness()
        try await Task.sleep(for: .seconds(options.baselineWindow))
        let baselineCPU = ProcessUsage.current().percent(since: before)
        let baselineLateness = pool.takeMaximumLateness()

        // Recording every room. The publishers wait until each recorder has
        // opened its tracks, then start again from a keyframe (see `Publisher.resume`).
        pool.pause()
        for meeting in meetings {
            recordings.append(try await service.start(meeting: meeting.record, startedBy: host.id))
        }
        try await waitForTracks(recordings, count: options.publishersPerRoom * 2)
        let sentBefore = publisherCounts(pool)
        pool.resume()
        try await Task.sleep(for: .seconds(options.warmup))
        before = ProcessUsage.current()
        let threadsBefore = ProcessUsage.threads()
        let bytesBefore = bytesOnDisk()
        let packetsBefore = pool.sent
        _ = pool.takeMaximumLateness()
        try await Task.sleep(for: .seconds(options.window))
        let after = ProcessUsage.current()
        let busiest = ProcessUsage.busiestThread(from: threadsBefore, to: ProcessUsage.threads(), wall: (after.at - before.at).seconds)
        let bytesAfter = bytesOnDisk()
        let packetsAfter = pool.sent
        let recordingLateness = pool.takeMaximumLateness()
        let resident = ProcessUsage.residentMiB()
        pool.pause()
        let sentAfter = publisherCounts(pool)
        let drain = try await waitForDrain()
        for meeting in meetings { try await service.stop(meetingID: meeting.record.id) }

        // Each track: what its publisher sent while recorded, against what the recorder wrote.
        let stats = Dictionary(collector.take().map { ($0.producer, $0) }, uniquingKeysWith: { a, _ in a })
        var unitsSent = 0, unitsWritten = 0, packetsSent = 0, packetsReceived = 0, dropped = 0, lost = 0, missing = 0
        var worst = (share: 0.0, text: "none lost")
        for publisher in pool.publishers {
            let sent = sentAfter[ObjectIdentifier(publisher), default: SentCounts()] - sentBefore[ObjectIdentifier(publisher), default: SentCounts()]
            for (producer, units, packets) in [(publisher.cameraID, sent.frames, sent.videoPackets),
                                               (publisher.micID, sent.audioPackets, sent.audioPackets)] {
                unitsSent += units
                packetsSent += packets
                guard let track = stats[producer] else {
                    missing += 1
                    continue
                }
                unitsWritten += min(units, track.framesWritten)
                packetsReceived += track.packetsReceived
                dropped += track.framesDropped
                lost += track.packetsLost
                let share = units > 0 ? Double(units - min(units, track.framesWritten)) / Double(units) : 0
                if share > worst.share { worst = (share, "\(units) → \(track.framesWritten) (\(track.file))") }
            }
        }
        let window = (after.at - before.at).seconds
        let sentInWindow = packetsAfter - packetsBefore
        return Result(rooms: meetings.count, tracks: meetings.count * options.publishersPerRoom * 2,
                      baselineCPU: baselineCPU, recordingCPU: after.percent(since: before),
                      packetsPerSecond: Double(sentInWindow.packets) / window,
                      megabitsPerSecond: Double(sentInWindow.bytes) * 8 / window / 1e6,
                      writtenMegabytesPerSecond: Double(bytesAfter - bytesBefore) / window / 1e6,
                      unitsSent: unitsSent, unitsWritten: unitsWritten, packetsSent: packetsSent, packetsReceived: packetsReceived,
                      framesDropped: dropped, packetsLost: lost, worstTrack: worst.text, tracksMissing: missing,
                      drainSeconds: drain, baselineLatenessMs: baselineLateness, recordingLatenessMs: recordingLateness,
                      residentMiB: resident, busiestThread: busiest.name, busiestThreadCPU: busiest.percent, problems: collector.takeProblems())
    }

    /// A meeting in the store, its room, and its publishers (joined and
    /// publishing camera and microphone, not yet sending).
    private func openMeeting(index: Int, of count: Int) async throws -> (Meeting, [Publisher]) {
        let now = Timestamp.now
        let code = Self.code()
        let record = try await store.createMeeting(
            MeetingRecord(id: UUID().uuidString.lowercased(), code: code.link, dialInCode: code.dialIn, hostId: host.id,
                          kind: MeetingRecord.instant, title: "Bench \(count)×, room \(index + 1)", description: "",
                          createdAt: now, updatedAt: now),
            inviteeIds: []) { let c = Self.code(); return (c.link, c.dialIn) }
        let info = RoomInfo(meetingId: record.id, code: record.code, title: record.title, locked: false, lobbyEnabled: false)
        let room = try await rooms.room(for: info, joiningAs: .host)
        var participants: [String] = []
        var publishers: [Publisher] = []
        for person in 0..<options.publishersPerRoom {
            let transport = try await media.createLocalTransport(routerID: record.id, sink: { _ in })
            let id = try await room.join(
                JoinRequest(displayName: "Person \(person + 1)", userId: person == 0 ? host.id : nil, role: person == 0 ? .host : .guest,
                            lobbyApplies: false, media: .local(transportID: transport.id)),
                connection: Silent())
            participants.append(id)
            let camera = try await room.publishLocal(id, source: .camera, codec: RTPCodecParameters(payloadType: 96, name: "VP8", clockRate: 90000))
            let microphone = try await room.publishLocal(id, source: .microphone,
                                                         codec: RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2))
            let clip = (index * options.publishersPerRoom + person) % clips.cameras.count
            publishers.append(Publisher(transport: transport, cameraID: camera, micID: microphone,
                                        camera: clips.cameras[clip], voice: clips.voices[clip]))
        }
        return (Meeting(record: record, room: room, participants: participants), publishers)
    }

    /// Deletes the recordings (files and rows) and empties the rooms.
    private func closeMeetings(_ meetings: [Meeting], recordings: [RecordingRecord]) async {
        for meeting in meetings { _ = try? await service.stop(meetingID: meeting.record.id) }
        for recording in recordings { try? await service.delete(id: recording.id) }
        for meeting in meetings {
            for participant in meeting.participants { await meeting.room.leave(participant) }
        }
    }

    /// Waits until every recorder has opened `count` track files (its timeline says so).
    private func waitForTracks(_ recordings: [RecordingRecord], count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        for recording in recordings {
            let log = service.directory(of: recording.id).appendingPathComponent(RecordingFiles.timeline)
            while (try? TimelineLog.read(url: log))?.filter({ $0.event == .track }).count ?? 0 < count {
                guard ContinuousClock.now < deadline else {
                    throw FFmpeg.Failure(message: "recording \(recording.id) did not open its \(count) tracks within 30 s")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// After the publishers stopped: waits until the files have not grown for
    /// half a second (at most 60 s). Returns how long they went on growing.
    private func waitForDrain() async throws -> Double {
        let start = ContinuousClock.now
        var last = bytesOnDisk()
        var lastGrowth = start
        while ContinuousClock.now - lastGrowth < .milliseconds(500), ContinuousClock.now - start < .seconds(60) {
            try await Task.sleep(for: .milliseconds(100))
            let bytes = bytesOnDisk()
            if bytes != last {
                last = bytes
                lastGrowth = .now
            }
        }
        return (lastGrowth - start).seconds
    }

    private func publisherCounts(_ pool: PublisherPool) -> [ObjectIdentifier: SentCounts] {
        Dictionary(uniqueKeysWithValues: pool.publishers.map { (ObjectIdentifier($0), $0.sent) })
    }

    /// Bytes of every file under the recordings directory.
    private func bytesOnDisk() -> Int {
        let root = directory.appendingPathComponent("recordings")
        guard let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.fileSizeKey]) else { return 0 }
        var total = 0
        for case let url as URL in files {
            total += (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
        }
        return total
    }

    /// A fresh link code and dial-in code (the store retries on a clash).
    private static func code() -> (link: String, dialIn: String) {
        let letters = Array("abcdefghijkmnopqrstuvwxyz")
        func part(_ n: Int) -> String { String((0..<n).map { _ in letters.randomElement() ?? "a" }) }
        return ("\(part(3))-\(part(4))-\(part(3))", String((0..<10).map { _ in "0123456789".randomElement() ?? "0" }))
    }
}
