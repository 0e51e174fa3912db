import Foundation
import Logging
import NIOCore
import Rooms
import SFU
import Store

/// Meetings' recordings on this server: starting and stopping capture,
/// finishing recordings a crash interrupted, the composite queue, and
/// deleting. Who may do what is the caller's to check (`Store.recordingAccess`,
/// room roles); this service keeps the files and rows consistent.
public actor RecordingService {
    let store: Store
    let rooms: RoomRegistry
    let settings: RecordingSettings
    let logger: Logger
    /// Capturing now, by meeting id.
    private var active: [String: ActiveRecording] = [:]
    /// Meetings whose recording is being set up (a second start waits its turn).
    private var starting: Set<String> = []
    let composites: CompositeQueue
    /// Which recording directory a recording lives in, among processes that
    /// share the database: an id kept in the directory itself, so a restart
    /// with another host name (a container) still finds its recordings.
    public nonisolated let node: String
    /// Where recorders run: each on one loop of this group, spread over them.
    let eventLoopGroup: any EventLoopGroup
    /// Where other nodes' recordings are (nil: a single server).
    var locator: (any RecordingLocator)?

    struct ActiveRecording {
        var record: RecordingRecord
        let recorder: Recorder
    }

    /// Recorders write their files on `eventLoopGroup`'s loops (one loop per
    /// recorder), apart from the media plane's.
    public init(store: Store, rooms: RoomRegistry, settings: RecordingSettings, eventLoopGroup: any EventLoopGroup,
                logger: Logger) {
        self.store = store
        self.eventLoopGroup = eventLoopGroup
        self.rooms = rooms
        self.settings = settings
        var logger = logger
        logger[metadataKey: "component"] = "recording"
        self.logger = logger
        composites = CompositeQueue(store: store, settings: settings, logger: logger)
        node = Self.nodeID(of: settings.directory, logger: logger)
    }

    /// The id stored in `<directory>/.node-id`, written on first use.
    static func nodeID(of directory: URL, logger: Logger) -> String {
        let file = directory.appendingPathComponent(RecordingFiles.nodeID)
        if let text = try? String(contentsOf: file, encoding: .utf8) {
            let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !id.isEmpty { return id }
        }
        let id = UUID().uuidString.lowercased()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data((id + "\n").utf8).write(to: file, options: .atomic)
        } catch {
            // Recording will fail visibly when it starts; until then this process still has an id.
            logger.error("cannot write the recording directory's id", metadata: ["directory": "\(directory.path)", "error": "\(error)"])
        }
        return id
    }

    /// The directory of one recording.
    public nonisolated func directory(of id: String) -> URL {
        settings.directory.appendingPathComponent(id, isDirectory: true)
    }

    /// The composited MP4 of a recording (it exists once the recording is ready).
    public nonisolated func compositeFile(of id: String) -> URL {
        directory(of: id).appendingPathComponent(RecordingFiles.composite)
    }

    /// The per-track files of a recording, by name (for editing elsewhere),
    /// with whose they are and where they sit on the recording's timeline
    /// once the recording stopped (from its manifest).
    public nonisolated func trackFiles(of id: String) -> [RecordedTrackFile] {
        let directory = directory(of: id)
        let tracks = directory.appendingPathComponent(RecordingFiles.tracks)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: tracks.path)) ?? []
        let manifest = (try? Data(contentsOf: directory.appendingPathComponent(RecordingFiles.manifest)))
            .flatMap { try? JSONDecoder().decode(RecordingManifest.self, from: $0) }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { name in
            let track = manifest?.tracks.first { $0.file == "\(RecordingFiles.tracks)/\(name)" }
            let person = track.flatMap { t in manifest?.participants.first { $0.id == t.participantID } }
            return RecordedTrackFile(url: tracks.appendingPathComponent(name), participant: person?.displayName,
                                     source: track?.source, start: track?.start)
        }
    }

    // MARK: - Capture

    /// Starts recording a live meeting. `startedBy` is the user who asked (or
    /// `automatic`); `managerIds` are the co-hosts present, who may manage it too.
    public func start(meeting: MeetingRecord, startedBy: String, managerIds: [String] = []) async throws -> RecordingRecord {
        // Checked and claimed before the first suspension: two starts at once
        // (two people joining a meeting that records itself) get one recording.
        if let current = active[meeting.id] { throw RecordingError.conflict("This meeting is already being recorded (since \(Self.iso(current.record.startedAt))).") }
        guard !starting.contains(meeting.id) else { throw RecordingError.conflict("Recording is already starting.") }
        if settings.maxRecordings > 0, active.count + starting.count >= settings.maxRecordings {
            throw RecordingError.busy("This server is recording \(active.count) meetings, as many as it may. Try again when one stops.")
        }
        starting.insert(meeting.id)
        defer { starting.remove(meeting.id) }
        try checkFreeSpace()
        guard let room = await rooms.existingRoom(meeting.id), await room.participantCount > 0 else {
            throw RecordingError.conflict("Nobody is in the meeting: recording starts once the meeting runs.")
        }

        let now = Timestamp.now
        let record = RecordingRecord(id: UUID().uuidString.lowercased(), meetingId: meeting.id, meetingTitle: meeting.title,
                                     hostId: meeting.hostId, startedBy: startedBy, node: node, startedAt: now,
                                     createdAt: now, updatedAt: now)
        let store = self.store
        let id = record.id
        let events = Recorder.Events(
            closed: { [weak self] in
                Task { _ = try? await self?.stop(recordingID: id) }
            },
            participant: { p in
                guard let user = p.userId else { return }
                Task {
                    try? await store.grantRecordingAccess(recordingId: id, managerIds: p.role.isModerator ? [user] : [], viewerIds: [user])
                }
            },
            failure: { [weak self] reason in
                Task { _ = try? await self?.stop(recordingID: id, notice: reason) }
            })
        let recorder: Recorder
        do {
            recorder = try Recorder(recordingID: record.id, directory: directory(of: record.id), media: rooms.media,
                                    eventLoop: eventLoopGroup.next(), stopBelowFreeBytes: settings.stopBelowFreeBytes,
                                    events: events, logger: logger)
        } catch {
            try? FileManager.default.removeItem(at: directory(of: record.id))
            throw RecordingError.io("The recording could not be created on the server's disk: \(error)")
        }
        try await store.createRecording(record, managerIds: managerIds, viewerIds: [])
        do {
            try await recorder.join(room)
        } catch {
            _ = await recorder.stop()
            try? await store.deleteRecording(id: record.id)
            try? FileManager.default.removeItem(at: directory(of: record.id))
            throw error
        }
        active[meeting.id] = ActiveRecording(record: record, recorder: recorder)
        let someoneLeft = await room.participantCount > 0
        if await recorder.isFinished || !someoneLeft {
            // The room emptied while the recorder joined (its own close found
            // nothing to stop yet): finish now rather than keep a recording of nobody.
            _ = try? await stop(meetingID: meeting.id)
            throw RecordingError.conflict("Everyone left the meeting while recording started.")
        }
        await room.setRecording(true)
        logger.info("recording started", metadata: ["recording": "\(record.id)", "meeting": "\(meeting.id)", "by": "\(startedBy)"])
        return record
    }

    /// Refuses to start when the recording directory's disk is nearly full.
    private func checkFreeSpace() throws {
        guard settings.minFreeBytes > 0 else { return }
        try? FileManager.default.createDirectory(at: settings.directory, withIntermediateDirectories: true)
        guard let free = DiskSpace.available(at: settings.directory) else {
            throw RecordingError.io("The recording directory \(settings.directory.path) cannot be used.")
        }
        if free < settings.minFreeBytes {
            throw RecordingError.noSpace(
                "The server has too little disk space to record (\(DiskSpace.describe(free)) free, it keeps \(DiskSpace.describe(settings.minFreeBytes))). Ask its administrator to make room.")
        }
    }

    /// Someone was let into a room (`RoomRegistry.setAdmissionObserver`): a
    /// meeting set to record itself starts recording with its first person,
    /// browser or phone caller, once per session of the meeting.
    public func participantAdmitted(to room: Room) async {
        guard await !room.automaticRecordingStarted else { return }
        let meetingID = await room.info.meetingId
        guard active[meetingID] == nil, !starting.contains(meetingID),
              let meeting = try? await store.meeting(id: meetingID), meeting.recordAutomatically else { return }
        do {
            _ = try await start(meeting: meeting, startedBy: "automatic")
            await room.markAutomaticRecordingStarted()
        } catch RecordingError.conflict {
            // Already recording (someone started it), or the room emptied: nothing to do.
        } catch {
            logger.notice("automatic recording did not start", metadata: ["meeting": "\(meetingID)", "reason": "\(error)"])
        }
    }

    /// Captures and composites, for `/metrics`.
    public func statistics() async -> RecordingStatistics {
        var s = await composites.statistics
        s.capturing = active.count
        return s
    }

    /// The recording a meeting is capturing now.
    public func activeRecording(meetingID: String) -> RecordingRecord? { active[meetingID]?.record }

    /// Stops a meeting's recording and queues its composite. `notice`
    /// tells the room why, when the recording stopped by itself.
    @discardableResult
    public func stop(meetingID: String, notice: String? = nil) async throws -> RecordingRecord {
        guard let current = active.removeValue(forKey: meetingID) else {
            throw RecordingError.conflict("This meeting is not being recorded.")
        }
        let stoppedAt = await current.recorder.stop()
        if let room = await rooms.existingRoom(meetingID) { await room.setRecording(false, notice: notice) }
        let record: RecordingRecord
        do {
            record = try await finishCapture(current.record, stoppedAt: stoppedAt)
        } catch {
            // The tracks stay on disk; a row left at "recording" would claim a capture nobody runs.
            var failed = current.record
            failed.status = RecordingRecord.failed
            failed.error = "The recording stopped but could not be finished: \(error)"
            try? await store.updateRecording(failed)
            logger.error("recording could not be finished", metadata: ["recording": "\(failed.id)", "error": "\(error)"])
            throw RecordingError.io("The recording stopped but could not be finished: \(error)")
        }
        logger.info("recording stopped", metadata: ["recording": "\(record.id)", "seconds": "\(record.durationMs / 1000)"])
        return record
    }

    /// Stops whatever recording has this id.
    @discardableResult
    public func stop(recordingID: String, notice: String? = nil) async throws -> RecordingRecord {
        guard let meetingID = active.first(where: { $0.value.record.id == recordingID })?.key else {
            throw RecordingError.conflict("This recording is not running.")
        }
        return try await stop(meetingID: meetingID, notice: notice)
    }

    /// Writes the manifest from the timeline and the track files, and queues
    /// the composite. `stoppedAt` is nil after a crash.
    private func finishCapture(_ record: RecordingRecord, stoppedAt: Double?) async throws -> RecordingRecord {
        let directory = directory(of: record.id)
        let manifest = Self.manifest(directory: directory, stoppedAt: stoppedAt)
        let data = try JSONEncoder().encode(manifest)
        try data.write(to: directory.appendingPathComponent(RecordingFiles.manifest), options: .atomic)
        var record = record
        record.status = RecordingRecord.queued
        record.progress = 0
        record.durationMs = Int((manifest.duration * 1000).rounded())
        record.stoppedAt = record.startedAt + record.durationMs
        let names = manifest.participants.filter { $0.participantRole != .recorder }.map(\.displayName)
        record.participants = String(decoding: try JSONEncoder().encode(names), as: UTF8.self)
        try await store.updateRecording(record)
        await composites.enqueue(record.id, directory: directory)
        return record
    }

    /// The manifest of a recording directory, from its log and its files.
    static func manifest(directory: URL, stoppedAt: Double?) -> RecordingManifest {
        let timeline = (try? TimelineLog.read(url: directory.appendingPathComponent(RecordingFiles.timeline))) ?? []
        var extents: [String: TrackExtent] = [:]
        for event in timeline where event.event == .track {
            guard let file = event.file, let extent = TrackExtent(scanning: directory.appendingPathComponent(file)) else { continue }
            extents[file] = extent
        }
        return RecordingManifest(timeline: timeline, extents: extents, stoppedAt: stoppedAt)
    }

    // MARK: - Restart

    /// At start-up: finishes recordings a crash interrupted (their tracks and
    /// timeline are on disk) and requeues composites that did not complete.
    public func recover() async {
        do {
            // Only this node's: another process sharing the database may be capturing its own.
            let mine = try await store.recordings(status: [RecordingRecord.recording, RecordingRecord.queued, RecordingRecord.processing])
                .filter { $0.node == node }
            for record in mine where record.status == RecordingRecord.recording && active[record.meetingId ?? ""]?.record.id != record.id {
                logger.notice("finishing a recording interrupted by a restart", metadata: ["recording": "\(record.id)"])
                do {
                    _ = try await finishCapture(record, stoppedAt: nil)
                } catch {
                    var failed = record
                    failed.status = RecordingRecord.failed
                    failed.error = "The recording was interrupted and could not be recovered: \(error)"
                    try? await store.updateRecording(failed)
                }
            }
            for record in mine where record.status != RecordingRecord.recording {
                await composites.enqueue(record.id, directory: directory(of: record.id))
            }
        } catch {
            logger.error("could not look for interrupted recordings", metadata: ["error": "\(error)"])
        }
    }

    /// Stops every capture (server shutdown); their composites run at the next start.
    public func shutdown() async {
        for meetingID in Array(active.keys) { _ = try? await stop(meetingID: meetingID) }
        await composites.cancelAll()
    }

    // MARK: - Deleting

    /// Deletes a recording: stops its capture or composite, then its files and row.
    public func delete(id: String) async throws {
        if active.contains(where: { $0.value.record.id == id }) { _ = try? await stop(recordingID: id) }
        // Waits for a running ffmpeg to be gone: it must not write into a removed directory.
        await composites.cancel(id)
        try await store.deleteRecording(id: id)
        do {
            try FileManager.default.removeItem(at: directory(of: id))
        } catch where (error as NSError).code != NSFileNoSuchFileError {
            logger.error("a deleted recording's files could not be removed", metadata: ["recording": "\(id)", "error": "\(error)"])
        }
        logger.info("recording deleted", metadata: ["recording": "\(id)"])
    }

    static func iso(_ milliseconds: Int) -> String {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(.iso8601)
    }
}
