import Foundation
import Logging
import NIOCore
import Rooms
import SFU

/// A recorder's own state, on its event loop only (see `Recorder`).
final class RecorderState {
    let directory: URL
    let eventLoop: any EventLoop
    private let media: MediaNode
    private let logger: Logger
    private let log: TimelineLog
    private let inbox: RecorderInbox
    private let events: Recorder.Events
    private let stopBelowFreeBytes: Int64

    private(set) var room: Room?
    private(set) var transport: LocalTransportHandle?
    private(set) var participantID: String?
    /// Participants as the room last described them, by id.
    private var people: [String: ParticipantSummary] = [:]
    private var writers: [String: TrackWriter] = [:]
    /// Producer → whether the timeline shows it live now.
    private var live: [String: Bool] = [:]
    private var lossReported: [String: Int] = [:]
    private var syncing = false
    private var syncAgain = false
    private var trackCount = 0
    private(set) var finished = false
    private var failed = false
    private var flushTimer: RepeatedTask?

    init(directory: URL, media: MediaNode, eventLoop: any EventLoop, inbox: RecorderInbox, stopBelowFreeBytes: Int64,
         events: Recorder.Events, logger: Logger) throws {
        self.directory = directory
        self.media = media
        self.eventLoop = eventLoop
        self.inbox = inbox
        self.stopBelowFreeBytes = stopBelowFreeBytes
        self.events = events
        self.logger = logger
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("tracks"), withIntermediateDirectories: true)
        log = try TimelineLog(url: directory.appendingPathComponent(RecordingFiles.timeline))
        try log.append(TimelineEvent(at: 0, event: .started, wallclock: Date().formatted(.iso8601)))
    }

    /// Seconds since the recording started.
    private var now: Double { inbox.now }

    /// This state, for tasks that come back to it on its loop.
    private var bound: NIOLoopBound<RecorderState> { NIOLoopBound(self, eventLoop: eventLoop) }

    func attach(room: Room, transport: LocalTransportHandle) {
        self.room = room
        self.transport = transport
    }

    /// In the room: files reach the disk every 2 s from now on.
    func joined(as id: String) {
        participantID = id
        guard !finished else { return }
        let me = bound
        flushTimer = eventLoop.scheduleRepeatedTask(initialDelay: .seconds(2), delay: .seconds(2)) { _ in me.value.flush() }
    }

    @discardableResult
    func finish() -> Double {
        let at = now
        guard !finished else { return at }
        finished = true
        flushTimer?.cancel()
        flushTimer = nil
        drainInbox()
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
             .mutedByHost, .notice, .resumed, .mediaReset, .reaction:
            break
        }
    }

    /// The room closed the recorder's connection (it emptied or ended).
    func closedByRoom() {
        guard !finished else { return }
        logger.info("the room closed the recorder")
        finish()
        events.closed()
    }

    private func arrived(_ p: ParticipantSummary) {
        guard people[p.id] == nil else { return updated(p) }
        people[p.id] = p
        append(TimelineEvent(at: now, event: .joined, participant: p.id, name: p.displayName, role: p.role.rawValue))
        events.participant(p)
    }

    private func updated(_ p: ParticipantSummary) {
        let old = people[p.id]
        people[p.id] = p
        if old?.role != p.role { events.participant(p) }
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
        events.failure(reason)
    }

    // MARK: - Subscriptions

    /// Consumes every producer in the room; one update in flight at a time.
    private func syncSubscriptions() {
        guard let transport, !finished else { return }
        if syncing { syncAgain = true; return }
        syncing = true
        let wanted = people.values.flatMap { $0.producers.map(\.id) }.sorted()
        let media = self.media
        let me = bound
        Task {
            let subscriptions = (try? await media.subscribeLocal(transportID: transport.id, producerIDs: wanted)) ?? []
            me.eventLoop.execute { me.value.subscribed(subscriptions) }
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

    func drainInbox() {
        for (packet, at) in inbox.takeAll() { receive(packet, at: at) }
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
    func flush() {
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
