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
/// Everything it owns (`RecorderState`) is bound to one event loop of the
/// recording service's group: room events, packets from the media loop and
/// the periodic flush all hop onto it, in order, so file writes never run on
/// the media loop and never race each other. The compiler holds us to it:
/// the state is not `Sendable`, and other tasks reach it only through this
/// handle's `NIOLoopBoundBox`.
struct Recorder: Sendable {
    let recordingID: String
    let directory: URL
    private let media: MediaNode
    private let state: NIOLoopBoundBox<RecorderState>
    /// Packets from the media loop, stamped on arrival, waiting for the
    /// recorder's loop: one hop per burst rather than one per packet.
    private let inbox: RecorderInbox

    /// What the recorder tells its owner.
    struct Events: Sendable {
        /// The room ended or emptied, or the recorder was removed: the owner stops the recording.
        var closed: @Sendable () -> Void = {}
        /// Someone is in the recording (the owner grants them access to it).
        var participant: @Sendable (ParticipantSummary) -> Void = { _ in }
        /// The recording cannot go on (a file cannot be written, the disk is
        /// nearly full): said once, in words for the meeting's hosts. The owner
        /// stops the recording, which keeps what was written so far.
        var failure: @Sendable (String) -> Void = { _ in }
    }

    /// Creates the recording's directory and timeline; the recorder then
    /// lives on `eventLoop`. Below `stopBelowFreeBytes` free bytes on the
    /// recording's disk it gives up (0: never checks), so the disk never fills
    /// under a half-written file.
    init(recordingID: String, directory: URL, media: MediaNode, eventLoop: any EventLoop, stopBelowFreeBytes: Int64 = 0,
         events: Events = Events(), logger: Logger) throws {
        self.recordingID = recordingID
        self.directory = directory
        self.media = media
        var logger = logger
        logger[metadataKey: "recording"] = "\(recordingID)"
        let inbox = RecorderInbox()
        self.inbox = inbox
        let state = try RecorderState(directory: directory, media: media, eventLoop: eventLoop, inbox: inbox,
                                      stopBelowFreeBytes: stopBelowFreeBytes, events: events, logger: logger)
        self.state = .makeBoxSendingValue(state, eventLoop: eventLoop)
    }

    var eventLoop: any EventLoop { state.eventLoop }

    /// Whether the recorder already closed (the room emptied or ended under it).
    var isFinished: Bool {
        get async { (try? await on { $0.finished }) ?? true }
    }

    /// Runs `body` with the state on the recorder's loop.
    private func on<R: Sendable>(_ body: @escaping @Sendable (RecorderState) throws -> R) async throws -> R {
        let state = self.state
        return try await state.eventLoop.submit { try body(state.value) }.get()
    }

    /// Runs `body` with the state on the recorder's loop, later, in order.
    func execute(_ body: @escaping @Sendable (RecorderState) -> Void) {
        let state = self.state
        state.eventLoop.execute { body(state.value) }
    }

    // MARK: - Joining and leaving

    /// Joins the room with a fresh local transport whose packets come here.
    func join(_ room: Room) async throws {
        let meetingID = await room.info.meetingId
        let inbox = self.inbox
        let state = self.state
        let transport = try await media.createLocalTransport(routerID: meetingID, sink: { packet in
            // On the media loop: stamp, queue, and wake the recorder once per burst.
            if inbox.append(packet) { state.eventLoop.execute { state.value.drainInbox() } }
        })
        try await on { $0.attach(room: room, transport: transport) }
        let id: String
        do {
            id = try await room.join(
                JoinRequest(displayName: "Recorder", userId: nil, role: .recorder, lobbyApplies: false,
                            media: .local(transportID: transport.id)),
                connection: RecorderConnection(recorder: self))
        } catch {
            await media.closeTransport(transport.id)
            throw RecordingError.conflict("The recorder could not join the meeting: \(error)")
        }
        try await on { $0.joined(as: id) }
    }

    /// Leaves the room and closes every file. Returns when the stop was
    /// logged, in seconds on the timeline.
    func stop() async -> Double {
        let place = try? await on { ($0.room, $0.participantID, $0.transport) }
        if let (room, participantID, transport) = place {
            if let room, let participantID { await room.leave(participantID, reason: "recording_stopped") }
            if let transport { await media.closeTransport(transport.id) }
        }
        return (try? await on { $0.finish() }) ?? inbox.now
    }
}
