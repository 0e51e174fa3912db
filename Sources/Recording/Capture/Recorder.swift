import Dispatch
import Foundation
import Logging
import NIOCore
import Rooms
import SFU
import Synchronization

/// The recorder of one recording: a participant of the room like a browser
/// or a phone caller (joined through `Room.join` with its own local
/// transport), hidden from the participant list, consuming every track and
/// writing each to its own file as it arrives, without transcoding.
///
/// Everything it owns is confined to `queue`: room events, packets from the
/// media loop and the periodic flush all hop onto it, so file writes never
/// run on the media loop and never race each other.
final class Recorder: @unchecked Sendable {
    let recordingID: String
    let directory: URL
    let queue: DispatchQueue
    private let media: MediaNode
    private let logger: Logger
    private let log: TimelineLog
    private let origin = DispatchTime.now()
    /// Packets from the media loop, stamped on arrival, waiting for the queue:
    /// one hop per burst rather than one per packet.
    private let inbox = Mutex<[(packet: LocalMediaPacket, at: Double)]>([])

    private var room: Room?
    private var transport: LocalTransportHandle?
    private var participantID: String?
    /// Participants as the room last described them, by id.
    private var people: [String: ParticipantSummary] = [:]
    private var writers: [String: TrackWriter] = [:]
    /// Producer → whether the timeline shows it live now.
    private var live: [String: Bool] = [:]
    private var lossReported: [String: Int] = [:]
    private var syncing = false
    private var syncAgain = false
    private var trackCount = 0
    private var finished = false
    private var failed = false
    private var flushTimer: (any DispatchSourceTimer)?
    /// Below this many free bytes on the recording's disk the recorder gives
    /// up (0: never checks), so the disk never fills under a half-written file.
    private let stopBelowFreeBytes: Int64

    /// The room ended or emptied, or the recorder was removed: the owner stops the recording.
    var onClosed: (@Sendable () -> Void)?
    /// Someone is in the recording (the owner grants them access to it).
    var onParticipant: (@Sendable (ParticipantSummary) -> Void)?
    /// The recording cannot go on (a file cannot be written, the disk is
    /// nearly full): said once, in words for the meeting's hosts. The owner
    /// stops the recording, which keeps what was written so far.
    var onFailure: (@Sendable (String) -> Void)?

    init(recordingID: String, directory: URL, media: MediaNode, stopBelowFreeBytes: Int64 = 0, logger: Logger) throws {
        self.recordingID = recordingID
        self.directory = directory
        self.media = media
        self.stopBelowFreeBytes = stopBelowFreeBytes
        var logger = logger
        logger[metadataKey: "recording"] = "\(recordingID)"
        self.logger = logger
        queue = DispatchQueue(label: "parley.recorder.\(recordingID)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("tracks"), withIntermediateDirectories: true)
        log = try TimelineLog(url: directory.appendingPathComponent(RecordingFiles.timeline))
        try log.append(TimelineEvent(at: 0, event: .started, wallclock: Date().formatted(.iso8601)))
    }

    /// Whether the recorder already closed (the room emptied or ended under it).
    var isFinished: Bool { queue.sync { finished } }

    /// Seconds since the recording started.
    private var now: Double { Double(DispatchTime.now().uptimeNanoseconds - origin.uptimeNanoseconds) / 1e9 }

    // MARK: - Joining and leaving

    /// Joins the room with a fresh local transport whose packets come here.
    func join(_ room: Room) async throws {
        let meetingID = await room.info.meetingId
        let transport = try await media.createLocalTransport(routerID: meetingID, sink: { [weak self] packet in
            guard let self else { return }
            let at = self.now
            let first = self.inbox.withLock { waiting in
                waiting.append((packet, at))
                return waiting.count == 1
            }
            if first { self.queue.async { self.drainInbox() } }
        })
        queue.sync {
            self.room = room
            self.transport = transport
        }
        do {
            let id = try await room.join(
                JoinRequest(displayName: "Recorder", userId: nil, role: .recorder, lobbyApplies: false,
                            media: .local(transportID: transport.id)),
                connection: RecorderConnection(recorder: self))
            queue.sync { participantID = id }
        } catch {
            await media.closeTransport(transport.id)
            throw RecordingError.conflict("The recorder could not join the meeting: \(error)")
        }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + 2, repeating: 2)
        timer.setEventHandler { [weak self] in self?.flush() }
        timer.resume()
        queue.sync { flushTimer = timer }
    }

    /// Leaves the room and closes every file. Returns when the stop was
    /// logged, in seconds on the timeline.
    func stop() async -> Double {
        let (room, participantID, transport) = queue.sync { (self.room, self.participantID, self.transport) }
        if let room, let participantID { await room.leave(participantID, reason: "recording_stopped") }
        if let transport { await media.closeTransport(transport.id) }
        return queue.sync { finish() }
    }

    @discardableResult
    private func finish() -> Double {
        let at = now
        guard !finished else { return at }
        finished = true
        flushTimer?.cancel()
        flushTimer = nil
        reportLoss()
        try? log.append(TimelineEvent(at: at, event: .stopped))
        for (producer, writer) in writers { close(writer, producer: producer) }
        writers.removeAll()
        log.sync()
        return at
    }

    // MARK: - What the room says

    func handle(_ event: RoomEvent) {
        guard !finished else { return }
        switch event {
        case .joined(let state):
            participantID = state.participantId
            for p in state.participants { arrived(p) }
            syncSubscriptions()
        case .participantJoined(let p):
            arrived(p)
            syncSubscriptions()
        case .participantUpdated(let p):
            updated(p)
            syncSubscriptions()
        case .participantLeft(let id, _):
            guard let p = people.removeValue(forKey: id) else { return }
            for producer in p.producers { endTrack(producer.id) }
            append(TimelineEvent(at: now, event: .left, participant: id))
            syncSubscriptions()
        case .ended, .removed:
            closedByRoom()
        case .lobbyWaiting, .lobbyDenied, .lobbyUpdated, .subscribeOffer, .activeSpeaker, .chat, .roomUpdated,
             .mutedByHost, .notice:
            break
        }
    }

    /// The room closed the recorder's connection (it emptied or ended).
    func closedByRoom() {
        guard !finished else { return }
        logger.info("the room closed the recorder")
        finish()
        onClosed?()
    }

    private func arrived(_ p: ParticipantSummary) {
        guard people[p.id] == nil else { return updated(p) }
        people[p.id] = p
        append(TimelineEvent(at: now, event: .joined, participant: p.id, name: p.displayName, role: p.role.rawValue))
        onParticipant?(p)
    }

    private func updated(_ p: ParticipantSummary) {
        let old = people[p.id]
        people[p.id] = p
        if old?.role != p.role { onParticipant?(p) }
        let current = Set(p.producers.map(\.id))
        for gone in old?.producers ?? [] where !current.contains(gone.id) { endTrack(gone.id) }
        for producer in p.producers where writers[producer.id] != nil { setLive(producer.id, !producer.muted) }
    }

    /// A producer is gone (a share stopped, someone left): its file is
    /// finished now, not at the end of the recording, so a long meeting
    /// with many comings and goings does not keep every file open.
    private func endTrack(_ producer: String) {
        guard let writer = writers.removeValue(forKey: producer) else { return }
        live[producer] = false
        report(lossOf: producer, writer)
        append(TimelineEvent(at: now, event: .trackEnded, producer: producer))
        close(writer, producer: producer)
    }

    private func close(_ writer: TrackWriter, producer: String) {
        writer.close()
        logger.info("track closed", metadata: [
            "producer": "\(producer)", "file": "\(writer.file.lastPathComponent)", "frames": "\(writer.framesWritten)",
            "dropped": "\(writer.framesDropped)", "lost": "\(writer.packetsLost)", "discarded": "\(writer.packetsDiscarded)",
            "received": "\(writer.packetsReceived)"])
    }

    private func setLive(_ producer: String, _ isLive: Bool) {
        guard live[producer] != isLive else { return }
        live[producer] = isLive
        append(TimelineEvent(at: now, event: isLive ? .live : .muted, producer: producer))
    }

    private func append(_ event: TimelineEvent) {
        do { try log.append(event) } catch {
            logger.error("timeline write failed", metadata: ["error": "\(error)"])
            failedToWrite(error)
        }
    }

    private func failedToWrite(_ error: any Error) {
        fail("Recording stopped: the server could not write it (\(error)). What was recorded until now is kept.")
    }

    /// Tells the owner, once, that the recording cannot go on.
    private func fail(_ reason: String) {
        guard !failed, !finished else { return }
        failed = true
        logger.error("the recording cannot go on", metadata: ["reason": "\(reason)"])
        onFailure?(reason)
    }

    // MARK: - Subscriptions

    /// Consumes every producer in the room; one update in flight at a time.
    private func syncSubscriptions() {
        guard let transport, !finished else { return }
        if syncing { syncAgain = true; return }
        syncing = true
        let wanted = people.values.flatMap { $0.producers.map(\.id) }.sorted()
        let media = self.media
        Task {
            let subscriptions = (try? await media.subscribeLocal(transportID: transport.id, producerIDs: wanted)) ?? []
            self.queue.async { self.subscribed(subscriptions) }
        }
    }

    private func subscribed(_ subscriptions: [LocalSubscription]) {
        syncing = false
        guard !finished else { return }
        for s in subscriptions where writers[s.producerID] == nil && live[s.producerID] == nil {
            openTrack(s)
        }
        if syncAgain {
            syncAgain = false
            syncSubscriptions()
        }
    }

    private func openTrack(_ s: LocalSubscription) {
        guard let owner = people.values.first(where: { $0.producers.contains { $0.id == s.producerID } }),
              let summary = owner.producers.first(where: { $0.id == s.producerID }) else { return }
        guard let codec = TrackCodec(rawValue: s.codec.name.lowercased()) else {
            logger.warning("a track's codec cannot be recorded", metadata: ["codec": "\(s.codec.name)"])
            live[s.producerID] = false
            return
        }
        trackCount += 1
        let file = RecordingFiles.trackFile(index: trackCount, source: s.source.rawValue, codec: codec)
        do {
            writers[s.producerID] = try TrackWriter(file: directory.appendingPathComponent(file), codec: codec,
                                                    options: TrackWriter.Options(payloadType: s.codec.payloadType))
        } catch {
            logger.error("cannot open a track file", metadata: ["file": "\(file)", "error": "\(error)"])
            live[s.producerID] = false
            return
        }
        append(TimelineEvent(at: now, event: .track, participant: owner.id, producer: s.producerID,
                             source: s.source.rawValue, kind: s.source.isVideo ? "video" : "audio",
                             codec: codec.rawValue, file: file))
        setLive(s.producerID, !summary.muted)
        if s.source.isVideo { transport?.requestKeyframe(producerID: s.producerID) }
    }

    // MARK: - Media

    private func drainInbox() {
        let batch = inbox.withLock { waiting in
            defer { waiting.removeAll(keepingCapacity: true) }
            return waiting
        }
        for (packet, at) in batch { receive(packet, at: at) }
    }

    private func receive(_ packet: LocalMediaPacket, at: Double) {
        guard !packet.isRTCP, let writer = writers[packet.producerID] else { return }
        let actions = packet.bytes.withUnsafeReadableBytes { writer.receive(rtp: $0, at: at) }
        for action in actions {
            switch action {
            case .requestKeyframe:
                transport?.requestKeyframe(producerID: packet.producerID)
            case .writeFailed(let error):
                logger.error("a track stopped being written", metadata: ["producer": "\(packet.producerID)", "error": "\(error)"])
                failedToWrite(error)
            }
        }
    }

    /// Every 2 s: files to disk, losses into the timeline, and a look at
    /// the free space left.
    private func flush() {
        guard !finished else { return }
        for writer in writers.values { try? writer.sync() }
        reportLoss()
        log.sync()
        if stopBelowFreeBytes > 0, let free = DiskSpace.available(at: directory), free < stopBelowFreeBytes {
            fail("Recording stopped: the server is running out of disk space (\(DiskSpace.describe(free)) left). What was recorded until now is kept.")
        }
    }

    private func reportLoss() {
        for (producer, writer) in writers { report(lossOf: producer, writer) }
    }

    private func report(lossOf producer: String, _ writer: TrackWriter) {
        let lost = writer.packetsLost
        let before = lossReported[producer] ?? 0
        if lost > before {
            lossReported[producer] = lost
            append(TimelineEvent(at: now, event: .loss, producer: producer, packets: lost - before))
        }
    }
}

/// How the room reaches the recorder: events hop onto its queue.
struct RecorderConnection: ParticipantConnection {
    let recorder: Recorder

    func deliver(_ event: RoomEvent) {
        let recorder = self.recorder
        recorder.queue.async { recorder.handle(event) }
    }

    func close() {
        let recorder = self.recorder
        recorder.queue.async { recorder.closedByRoom() }
    }
}
