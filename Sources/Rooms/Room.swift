import Foundation
import Logging
import SFU

/// A live meeting: who is in it, its lobby, chat and host controls, and its
/// SFU router (the router's id is the meeting id). Browsers, phone callers
/// and the recorder join it the same way, through `join`.
public actor Room {
    public internal(set) var info: RoomInfo
    let media: MediaNode
    /// Other nodes this room's participants' media may attach to (nil: only this one).
    let sites: (any MediaSites)?
    /// The other nodes that held media of this room: its router closes there too.
    var remoteSites: Set<NodeReference> = []
    let logger: Logger
    /// Participants in join order, waiting ones included.
    var participants: [String: Participant] = [:]
    var order: [String] = []
    var chat: [ChatMessage] = []
    /// A host ended the meeting for everyone.
    var ended = false
    /// Where the room is in its life (see `Lifecycle`).
    public private(set) var lifecycle: Lifecycle = .open
    /// Who waits for the room to be closed.
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []
    /// Producer id → participant id.
    var producerOwners: [String: String] = [:]
    var activeSpeaker: String?
    /// Most participants a room admits (media cost grows with the square).
    public let capacity: Int
    /// How long someone whose connection dropped keeps their place.
    public let reconnectGrace: Duration
    /// Whom a host removed: their resume tokens no longer let them in.
    var removedIDs: Set<String> = []
    /// Who stayed away past the grace period: everyone was told they left,
    /// so their resume tokens no longer let them in either (they join anew).
    var departedIDs: Set<String> = []
    /// Called when the last participant left or the meeting ended.
    let onEmpty: @Sendable (String) -> Void
    /// Called when someone (not the recorder) is let into the room.
    let onAdmitted: @Sendable (Room) -> Void
    /// Whether this session of the meeting (this room, until it empties)
    /// started its automatic recording: a host who stops it keeps it stopped.
    public private(set) var automaticRecordingStarted = false

    public init(info: RoomInfo, media: MediaNode, sites: (any MediaSites)? = nil, capacity: Int = 100,
                reconnectGrace: Duration = .seconds(60), logger: Logger,
                onEmpty: @escaping @Sendable (String) -> Void, onAdmitted: @escaping @Sendable (Room) -> Void = { _ in }) {
        self.info = info
        self.media = media
        self.sites = sites
        self.capacity = capacity
        self.reconnectGrace = reconnectGrace
        var logger = logger
        logger[metadataKey: "room"] = "\(info.meetingId)"
        self.logger = logger
        self.onEmpty = onEmpty
        self.onAdmitted = onAdmitted
    }

    /// Notes that this session's automatic recording started.
    public func markAutomaticRecordingStarted() { automaticRecordingStarted = true }

    /// Everyone admitted (not waiting in the lobby).
    var present: [Participant] { order.compactMap { participants[$0] }.filter { !$0.waiting } }
    /// The people in the room: everyone present but the recorder.
    var visible: [Participant] { present.filter { $0.role != .recorder } }
    var moderators: [Participant] { present.filter { $0.role.isModerator } }

    public var participantCount: Int { visible.count }
    /// Phone callers in the room (a hand-over waits for them to move).
    public var callerCount: Int { participants.values.filter { $0.role == .phone }.count }
    public var isEnded: Bool { ended }

    /// A room is open while people may join; closing while its router and
    /// transports are torn down (the last person left, or a host ended the
    /// meeting); closed once that is done. It never opens again: the
    /// registry makes a fresh room for the next join, so a join that races a
    /// close never lands in a router being closed under it.
    public enum Lifecycle: Sendable, Equatable {
        case open, closing, closed
    }

    /// Joins a participant. Returns their id; they get `joined` (or
    /// `lobby.waiting` first when the meeting has a lobby). A room that is
    /// closing or closed answers `.ended` if a host ended it, else `.closed`
    /// (the registry then joins the person to a fresh room).
    public func join(_ request: JoinRequest, connection: any ParticipantConnection) async throws(RoomError) -> String {
        guard !ended else { throw .ended }
        guard lifecycle == .open else { throw .closed }
        let isModerator = request.role.isModerator
        if let returning = request.participantID {
            if removedIDs.contains(returning) { throw .removed }
            if departedIDs.contains(returning) { throw .connectionLost }
        }
        if info.locked && !isModerator && !request.returning { throw .locked }
        guard visible.count < capacity else { throw .full }
        let id = request.participantID ?? Self.makeParticipantID()
        guard participants[id] == nil else { throw RoomError("conflict", "You are already in this meeting.") }
        var participant = Participant(id: id, displayName: request.displayName, role: request.role,
                                      userId: request.userId, connection: connection, media: request.media,
                                      arrivedThrough: request.arrivedThrough)
        participant.attributes = request.attributes
        if info.lobbyEnabled && request.lobbyApplies && !request.returning && !isModerator && !moderators.isEmpty {
            participant.waiting = true
            participants[id] = participant
            order.append(id)
            connection.deliver(.lobbyWaiting)
            broadcastLobby()
            logger.info("participant waits in the lobby", metadata: ["participant": "\(id)"])
            return id
        }
        participants[id] = participant
        order.append(id)
        try await admit(id)
        return id
    }

    /// Creates the participant's transports and tells everyone.
    func admit(_ id: String) async throws(RoomError) {
        guard var p = participants[id] else { throw .noSuchParticipant }
        p.waiting = false
        switch p.media {
        case .local(let transportID):
            // The gateway or recorder made its transport; it consumes what it needs itself.
            p.publishTransportID = transportID
        case .webRTC:
            do {
                let (publish, subscribe, site) = try await makeTransports(for: p)
                p.publishTransportID = publish
                p.subscribeTransportID = subscribe
                p.site = site
            } catch {
                participants[id] = nil
                order.removeAll { $0 == id }
                throw RoomError("media_unavailable", "The media server could not take you in: \(error)")
            }
        }
        // The participant may have left while the transports were made.
        guard participants[id] != nil else {
            await closeTransports(of: p)
            throw .notInRoom
        }
        participants[id] = p
        logger.info("participant joined", metadata: ["participant": "\(id)", "role": "\(p.role.rawValue)"])
        p.connection.deliver(.joined(state(for: p)))
        if p.role != .recorder {
            for q in present where q.id != id { q.connection.deliver(.participantJoined(p.summary(for: q))) }
            onAdmitted(self)
        }
        if let speaker = activeSpeaker { p.connection.deliver(.activeSpeaker(participantId: speaker)) }
        // A moderator arriving sees who waits.
        if p.role.isModerator, !lobbyEntries.isEmpty { p.connection.deliver(.lobbyUpdated(lobbyEntries)) }
        await syncSubscriptions(of: id)
    }

    /// A fresh participant id (the room's own, when the front door named none).
    public static func makeParticipantID() -> String {
        "p-" + UUID().uuidString.lowercased().prefix(12)
    }

    /// What a participant is told on joining or resuming.
    func state(for p: Participant) -> JoinedState {
        JoinedState(participantId: p.id, handRaised: p.handRaised, role: p.role, room: info,
                    participants: visible.map { $0.summary(for: p) }, chat: chat,
                    lobby: p.role.isModerator ? lobbyEntries : [])
    }

    /// Removes a participant (left, removed, disconnected) and their media.
    public func leave(_ id: String, reason: String = "left") async {
        guard let p = participants.removeValue(forKey: id) else { return }
        order.removeAll { $0 == id }
        for producerID in p.producers.keys { producerOwners[producerID] = nil }
        if activeSpeaker == id { activeSpeaker = nil }
        await closeTransports(of: p)
        if p.waiting {
            broadcastLobby()
        } else if p.role == .recorder {
            logger.info("recorder left", metadata: ["participant": "\(id)", "reason": "\(reason)"])
        } else {
            logger.info("participant left", metadata: ["participant": "\(id)", "reason": "\(reason)"])
            broadcast(.participantLeft(participantId: id, reason: reason))
            // Their producers are gone from the router: others' offers shrink.
            for other in present { await syncSubscriptions(of: other.id) }
        }
        if visible.isEmpty && !ended {
            // Nobody left to let anyone in: the lobby empties too.
            for w in participants.values where w.waiting {
                w.connection.deliver(.lobbyDenied)
                w.connection.close()
            }
            // Nobody left to record: the recorder finishes.
            for r in present where r.role == .recorder { r.connection.close() }
            participants.removeAll()
            order.removeAll()
            await close()
        }
    }

    /// Tears the room's media down and tells the registry; joins meanwhile
    /// are refused (`Lifecycle`).
    func close() async {
        guard lifecycle == .open else { return }
        lifecycle = .closing
        producerOwners.removeAll()
        await media.closeRouter(info.meetingId)
        for site in remoteSites { await sites?.media(at: site).closeRouter(info.meetingId) }
        remoteSites.removeAll()
        lifecycle = .closed
        for waiter in closeWaiters { waiter.resume() }
        closeWaiters.removeAll()
        onEmpty(info.meetingId)
    }

    /// Returns once the room is closed (at once if it is; never while it is open
    /// and nobody closes it).
    public func waitUntilClosed() async {
        guard lifecycle != .closed else { return }
        await withCheckedContinuation { closeWaiters.append($0) }
    }

    func closeTransports(of p: Participant) async {
        let media = media(of: p)
        if let t = p.publishTransportID { await media.closeTransport(t) }
        if let t = p.subscribeTransportID { await media.closeTransport(t) }
    }

    /// Sends an event to everyone admitted, optionally but one.
    func broadcast(_ event: RoomEvent, except: String? = nil) {
        for p in present where p.id != except { p.connection.deliver(event) }
    }

    func broadcastUpdate(of id: String) {
        guard let p = participants[id], !p.waiting else { return }
        for q in present { q.connection.deliver(.participantUpdated(p.summary(for: q))) }
    }

    /// Someone became a host or co-host: they now see everyone's attributes.
    func showAttributes(to id: String) {
        guard let viewer = participants[id], viewer.role.isModerator else { return }
        for p in visible where !p.attributes.isEmpty && p.id != id {
            viewer.connection.deliver(.participantUpdated(p.summary(for: viewer)))
        }
    }

    var lobbyEntries: [LobbyEntry] {
        order.compactMap { participants[$0] }.filter(\.waiting).map { LobbyEntry(participantId: $0.id, displayName: $0.displayName) }
    }

    func broadcastLobby() {
        let entries = lobbyEntries
        for m in moderators { m.connection.deliver(.lobbyUpdated(entries)) }
    }

    /// Handles what the media plane reports about this room.
    public func handle(_ event: MediaEvent) async {
        switch event {
        case .transportClosed(_, let transportID, let reason):
            // A browser's media path died (ICE consent expired, DTLS failed):
            // they keep their place; their media starts afresh (Room+Reconnection).
            guard let p = participants.values.first(where: { $0.publishTransportID == transportID || $0.subscribeTransportID == transportID }) else { return }
            if reason == "disconnected" || reason == "dtls" {
                await mediaLost(p.id, reason: reason)
            }
        case .activeSpeaker(_, let producerID):
            let speaker = producerID.flatMap { producerOwners[$0] }
            guard speaker != activeSpeaker, let speaker else { return }
            activeSpeaker = speaker
            broadcast(.activeSpeaker(participantId: speaker))
        case .transportConnected:
            break
        }
    }
}
