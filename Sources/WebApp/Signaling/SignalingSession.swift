import Foundation
import Logging
import Meetings
import Recording
import Rooms
import SFU
import Store
import Synchronization

/// One participant's signaling: waits for `join`, then turns each request
/// into a room call. Requests are handled one at a time, in order.
actor SignalingSession {
    let services: AppServices
    let rooms: RoomRegistry
    /// The socket's outbound queue.
    let continuation: SocketOutbox
    var logger: Logger
    /// The logger at creation, readable without hopping onto the actor.
    nonisolated let baseLogger: Logger
    private nonisolated let refusals = Atomic<Int>(0)
    private var room: Room?
    private var participantID: String?
    private var userID: String?
    private var connection: SignalingConnection?

    init(services: AppServices, rooms: RoomRegistry, continuation: SocketOutbox, logger: Logger) {
        self.services = services
        self.rooms = rooms
        self.continuation = continuation
        self.logger = logger
        self.baseLogger = logger
    }

    nonisolated func reject(_ code: String, _ message: String, requestType: String? = nil) {
        continuation.yield(SignalingMessage.error(code, message, requestType: requestType))
        services.metrics.signalingErrors.increment()
        // A log line for the first few refusals of a socket, then every
        // hundredth, so a misbehaving client cannot flood the log.
        let n = refusals.add(1, ordering: .relaxed).newValue
        if n <= 5 || n % 100 == 0 {
            baseLogger.notice("signaling message refused", metadata: [
                "code": "\(code)", "type": "\(requestType?.prefix(40) ?? "-")", "reason": "\(message.prefix(200))",
                "refusals": "\(n)",
            ])
        }
    }

    func handle(_ text: String) async {
        guard let request = try? JSONDecoder().decode(SignalingRequest.self, from: Data(text.utf8)) else {
            reject("bad_request", "Each message must be a JSON object with a string \"type\" and fields of the right types.")
            return
        }
        if request.type == "ping" { continuation.yield(SignalingMessage.text("pong")); return }
        guard let room, let participantID else {
            guard request.type == "join" else {
                reject("bad_request", "Send \"join\" with your join token first.", requestType: request.type)
                return
            }
            await join(request)
            return
        }
        do {
            try await dispatch(request, room: room, participant: participantID)
        } catch let error as RoomError {
            reject(error.code, error.message, requestType: request.type)
        } catch {
            reject("bad_request", "\(error)", requestType: request.type)
        }
    }

    private func join(_ request: SignalingRequest) async {
        guard let token = request.token, let claims = JoinToken.verify(token, key: services.joinTokenKey) else {
            reject("bad_token", "The join token is missing, wrong or expired. Open the meeting link again.", requestType: "join")
            continuation.finish()
            return
        }
        let meeting: MeetingRecord?
        do { meeting = try await services.store.meeting(id: claims.meetingId) } catch {
            reject("internal", "The meeting could not be loaded. Try again.", requestType: "join")
            return
        }
        // The token proves the join checks passed a moment ago; the meeting
        // may have been cancelled since (Admission's first rule holds here too).
        guard let meeting, !AdmissionMeeting(meeting).isCancelled else {
            reject("not_found", "This meeting no longer exists.", requestType: "join")
            continuation.finish()
            return
        }
        let role = claims.role
        let info = RoomInfo(meetingId: meeting.id, code: meeting.code, title: meeting.title, locked: false,
                            lobbyEnabled: meeting.lobbyEnabled)
        let connection = SignalingConnection(continuation: continuation, iceServers: iceServers(for: claims))
        do {
            let (room, id) = try await rooms.join(
                info, JoinRequest(displayName: claims.displayName, userId: claims.userId, role: role), connection: connection)
            self.room = room
            self.participantID = id
            self.userID = claims.userId
            self.connection = connection
            logger[metadataKey: "participant"] = "\(id)"
            if let user = claims.userId { await services.hub.roomEntered(userId: user) }
        } catch {
            reject(error.code, error.message, requestType: "join")
            continuation.finish()
        }
    }

    /// STUN/TURN servers for this participant: TURN credentials are issued
    /// per join and expire (the REST-API scheme coturn implements).
    private func iceServers(for claims: JoinToken) -> [ICEServer] {
        let turn = services.configuration.turn
        guard !turn.urls.isEmpty else { return [] }
        guard !turn.secret.isEmpty else { return [ICEServer(urls: turn.urls)] }
        let user = claims.userId ?? "guest-\(UUID().uuidString.prefix(8).lowercased())"
        let credentials = TURNCredentials.make(secret: turn.secret, user: user, lifetime: .seconds(turn.credentialSeconds))
        return [ICEServer(urls: turn.urls, username: credentials.username, credential: credentials.password)]
    }

    private func dispatch(_ r: SignalingRequest, room: Room, participant id: String) async throws {
        func need<T>(_ value: T?, _ field: String) throws -> T {
            guard let value else { throw RoomError("bad_request", "\"\(r.type)\" needs \"\(field)\".") }
            return value
        }
        switch r.type {
        case "publish.offer":
            let sdp = try need(r.sdp, "sdp")
            var tracks: [String: MediaSource] = [:]
            for t in try need(r.tracks, "tracks") {
                guard let source = MediaSource(rawValue: t.source) else {
                    throw RoomError("bad_request", "Unknown source \"\(t.source.prefix(40))\": use microphone, camera, screen or screenAudio.")
                }
                tracks[t.mid] = source
            }
            let answer = try await room.publish(id, sdp: sdp, tracks: tracks)
            struct A: Encodable { var sdp: String }
            continuation.yield(SignalingMessage.text("publish.answer", A(sdp: answer)))
        case "subscribe.answer":
            try await room.subscribeAnswer(id, sdp: try need(r.sdp, "sdp"))
        case "subscribe.failed":
            await room.subscribeFailed(id, message: r.message ?? "")
        case "track.mute":
            guard let source = MediaSource(rawValue: try need(r.source, "source")) else {
                throw RoomError("bad_request", "Unknown source.")
            }
            try await room.setMuted(id, source: source, muted: try need(r.muted, "muted"))
        case "layers.prefer":
            try await room.preferLayers(id, producerID: try need(r.producerId, "producerId"),
                                        width: try need(r.width, "width"), height: try need(r.height, "height"))
        case "chat.send":
            try await room.sendChat(id, text: try need(r.text, "text"))
        case "hand.raise":
            try await room.raiseHand(id, raised: try need(r.raised, "raised"))
        case "host.mute":
            try await room.hostMute(by: id, target: try need(r.participantId, "participantId"))
        case "host.remove":
            try await room.hostRemove(by: id, target: try need(r.participantId, "participantId"))
        case "host.lock":
            try await room.setLocked(by: id, locked: try need(r.locked, "locked"))
        case "host.admit":
            try await room.admit(by: id, target: try need(r.participantId, "participantId"), admit: try need(r.admit, "admit"))
        case "host.cohost":
            try await room.setCohost(by: id, target: try need(r.participantId, "participantId"), cohost: try need(r.cohost, "cohost"))
        case "reaction.send":
            try await room.react(id, emoji: try need(r.emoji, "emoji"))
        case "host.lobby":
            try await room.setLobby(by: id, enabled: try need(r.enabled, "enabled"))
        case "host.transfer":
            try await room.transferHost(by: id, to: try need(r.participantId, "participantId"))
        case "host.end":
            try await room.end(by: id)
        case "recording.start":
            let managers = try await room.moderatorUserIDs(checking: id)
            guard let meeting = try await services.store.meeting(id: await room.info.meetingId) else {
                throw RoomError("not_found", "This meeting no longer exists.")
            }
            do {
                _ = try await services.recordings.start(meeting: meeting, startedBy: userID ?? "guest", managerIds: managers)
            } catch let error as RecordingError {
                throw RoomError(error.code, error.description)
            }
        case "recording.stop":
            _ = try await room.moderatorUserIDs(checking: id)
            do {
                _ = try await services.recordings.stop(meetingID: await room.info.meetingId)
            } catch let error as RecordingError {
                throw RoomError(error.code, error.description)
            }
        case "phone.call":
            try await room.callPhone(by: id, target: try need(r.target, "target"), dialer: await rooms.dialer)
        case "leave":
            await end()
            continuation.finish()
        case "join":
            throw RoomError("bad_request", "You have already joined.")
        default:
            throw RoomError("bad_request", "Unknown message type \"\(r.type.prefix(40))\".")
        }
    }

    /// The socket closed or the participant left: leave the room once.
    func end() async {
        guard let room, let participantID else { return }
        self.room = nil
        self.participantID = nil
        await room.leave(participantID)
        if let user = userID { await services.hub.roomLeft(userId: user) }
    }
}
