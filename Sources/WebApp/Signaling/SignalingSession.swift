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
    /// Which of the participant's connections this socket is (`Room.resume`).
    private var epoch = 0
    /// Who the participant is, for the resume tokens this session issues.
    private var identity: ResumeToken?
    /// The meeting runs on another node: every message goes there.
    private var relay: SignalingRelay?
    /// The node that relayed this socket here, if one did.
    private let relayedBy: String?

    init(services: AppServices, rooms: RoomRegistry, continuation: SocketOutbox, relayedBy: String? = nil, logger: Logger) {
        self.services = services
        self.rooms = rooms
        self.continuation = continuation
        self.relayedBy = relayedBy
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
        if let relay {
            await relay.forward(text)
            return
        }
        guard let request = try? JSONDecoder().decode(SignalingRequest.self, from: Data(text.utf8)) else {
            reject("bad_request", "Each message must be a JSON object with a string \"type\" and fields of the right types.")
            return
        }
        if request.type == "ping" { await pong(); return }
        guard let room, let participantID else {
            switch request.type {
            case "join": await join(request, text: text)
            case "resume": await resume(request, text: text)
            default:
                reject("bad_request", "Send \"join\" with your join token (or \"resume\" with your resume token) first.",
                       requestType: request.type)
            }
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

    private func join(_ request: SignalingRequest, text: String) async {
        guard let token = request.token, let claims = JoinToken.verify(token, key: services.joinTokenKey) else {
            reject("bad_token", "The join token is missing, wrong or expired. Open the meeting link again.", requestType: "join")
            continuation.finish()
            return
        }
        guard let meeting = await liveMeeting(claims.meetingId, requestType: "join"),
              await runsHere(meeting.id, request: text, requestType: "join") else { return }
        let identity = ResumeToken(meetingId: meeting.id, participantId: Room.makeParticipantID(), userId: claims.userId,
                                   displayName: claims.displayName, role: claims.role, expiresAt: 0)
        let connection = makeConnection(identity)
        do {
            let (room, id) = try await rooms.join(
                roomInfo(meeting),
                JoinRequest(displayName: claims.displayName, userId: claims.userId, role: claims.role,
                            participantID: identity.participantId),
                connection: connection)
            await entered(room, id: id, epoch: 0, identity: identity, connection: connection)
        } catch {
            reject(error.code, error.message, requestType: "join")
            continuation.finish()
        }
    }

    /// A participant whose connection dropped comes back with their resume
    /// token (Docs/signaling.md, "Staying in the meeting"): into their place
    /// if the room kept it, else as the same participant joining again.
    private func resume(_ request: SignalingRequest, text: String) async {
        guard let token = request.resumeToken, let claims = ResumeToken.verify(token, key: services.joinTokenKey) else {
            reject("bad_token", "Your way back into the meeting expired. Join again.", requestType: "resume")
            continuation.finish()
            return
        }
        guard let meeting = await liveMeeting(claims.meetingId, requestType: "resume"),
              await runsHere(meeting.id, request: text, requestType: "resume") else { return }
        let connection = makeConnection(claims)
        do {
            let (room, epoch, resumed) = try await rooms.resume(
                roomInfo(meeting),
                JoinRequest(displayName: claims.displayName, userId: claims.userId, role: claims.role,
                            participantID: claims.participantId),
                connection: connection, keepMedia: request.keepMedia ?? false)
            logger.info(resumed ? "participant resumed" : "participant rejoined after losing their place",
                        metadata: ["participant": "\(claims.participantId)"])
            await entered(room, id: claims.participantId, epoch: epoch, identity: claims, connection: connection)
        } catch {
            reject(error.code, error.message, requestType: "resume")
            continuation.finish()
        }
    }

    /// The meeting of a token, unless it no longer exists. The token proves
    /// the join checks passed a moment ago; the meeting may have been
    /// cancelled since (Admission's first rule holds here too).
    private func liveMeeting(_ id: String, requestType: String) async -> MeetingRecord? {
        let meeting: MeetingRecord?
        do { meeting = try await services.store.meeting(id: id) } catch {
            reject("internal", "The meeting could not be loaded. Try again.", requestType: requestType)
            return nil
        }
        guard let meeting, !AdmissionMeeting(meeting).isCancelled else {
            reject("not_found", "This meeting no longer exists.", requestType: requestType)
            continuation.finish()
            return nil
        }
        return meeting
    }

    /// Whether the meeting's room runs on this node. If it runs on another,
    /// the socket is relayed there with `request` (the join or resume) as
    /// its first message; if no node may start it, the entrant is told.
    private func runsHere(_ meetingID: String, request: String, requestType: String) async -> Bool {
        switch await rooms.locate(meetingID) {
        case .here:
            return true
        case .nowhere:
            let error = RoomError.notStarting
            reject(error.code, error.message, requestType: requestType)
            continuation.finish()
            return false
        case .elsewhere(let node):
            await relay(to: node, first: request, requestType: requestType)
            return false
        }
    }

    private func relay(to node: RoomLocation.RemoteNode, first: String, requestType: String) async {
        guard relayedBy == nil else {
            // Another node sent this here, but the meeting runs elsewhere by
            // now (it moved while the two looked): the browser tries again.
            reject("meeting_moving", "The meeting is moving to another server. Reconnecting…", requestType: requestType)
            continuation.finish()
            return
        }
        do {
            relay = try await SignalingRelay.open(
                to: node, first: first, outbox: continuation, forwarder: services.forwarder,
                eventLoopGroup: services.httpLoops, logger: logger)
            logger.info("signaling relayed to the meeting's node", metadata: ["node": "\(node.name)"])
            services.metrics.signalingRelayed.increment()
        } catch {
            logger.warning("the meeting's node could not be reached", metadata: ["node": "\(node.name)", "error": "\(error)"])
            reject("unavailable", "The server running this meeting cannot be reached. Try again in a moment.", requestType: requestType)
            continuation.finish()
        }
    }

    private func roomInfo(_ meeting: MeetingRecord) -> RoomInfo {
        RoomInfo(meetingId: meeting.id, code: meeting.code, title: meeting.title, locked: false,
                 lobbyEnabled: meeting.lobbyEnabled)
    }

    private func makeConnection(_ identity: ResumeToken) -> SignalingConnection {
        SignalingConnection(continuation: continuation, iceServers: iceServers(forUser: identity.userId),
                            resumeToken: issue(identity))
    }

    private func entered(_ room: Room, id: String, epoch: Int, identity: ResumeToken, connection: SignalingConnection) async {
        self.room = room
        self.participantID = id
        self.userID = identity.userId
        self.connection = connection
        self.epoch = epoch
        self.identity = identity
        logger[metadataKey: "participant"] = "\(id)"
        if let user = identity.userId { await services.hub.roomEntered(userId: user) }
    }

    /// A resume token for `identity`, good for the grace period and a minute more.
    private func issue(_ identity: ResumeToken) -> String {
        var token = identity
        token.expiresAt = Timestamp.now + Int(rooms.reconnectGrace.components.seconds) * 1000 + ResumeToken.slackMilliseconds
        return token.signed(with: services.joinTokenKey)
    }

    /// Answers a ping; a participant in a room gets a fresh resume token
    /// with it, carrying their current role (a co-host stays one).
    private func pong() async {
        guard let room, let participantID, var identity else {
            continuation.yield(SignalingMessage.text("pong"))
            return
        }
        if let role = await room.role(of: participantID) { identity.role = role }
        self.identity = identity
        struct P: Encodable { var resumeToken: String }
        continuation.yield(SignalingMessage.text("pong", P(resumeToken: issue(identity))))
    }

    /// STUN/TURN servers for this participant: TURN credentials are issued
    /// per join and expire (the REST-API scheme coturn implements).
    private func iceServers(forUser userId: String?) -> [ICEServer] {
        let turn = services.configuration.turn
        guard !turn.urls.isEmpty else { return [] }
        guard !turn.secret.isEmpty else { return [ICEServer(urls: turn.urls)] }
        let user = userId ?? "guest-\(UUID().uuidString.prefix(8).lowercased())"
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
        case "phone.move":
            try await room.movePhone(by: id, participant: try need(r.participantId, "participantId"),
                                     toMeeting: try need(r.target, "target"), dialer: await rooms.dialer)
        case "phone.transfer":
            try await room.transferPhone(by: id, participant: try need(r.participantId, "participantId"),
                                         to: try need(r.target, "target"), dialer: await rooms.dialer)
        case "ice.restart":
            try await room.restartICE(id)
        case "leave":
            await leave()
            continuation.finish()
        case "join", "resume":
            throw RoomError("bad_request", "You have already joined.")
        default:
            throw RoomError("bad_request", "Unknown message type \"\(r.type.prefix(40))\".")
        }
    }

    /// The participant said `leave`: they are gone at once.
    private func leave() async {
        guard let room, let participantID else { return }
        self.room = nil
        self.participantID = nil
        await room.leave(participantID)
        if let user = userID { await services.hub.roomLeft(userId: user) }
    }

    /// The socket closed without a `leave` (the network, the server, or the
    /// room closing it): the participant keeps their place for the grace
    /// period and may resume (`Room.connectionLost`).
    func end() async {
        relay?.close()
        relay = nil
        guard let room, let participantID else { return }
        self.room = nil
        self.participantID = nil
        await room.connectionLost(participantID, epoch: epoch)
        if let user = userID { await services.hub.roomLeft(userId: user) }
    }
}
