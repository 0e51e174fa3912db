import Foundation
import Logging
import SFU

/// The live rooms of this node, by meeting id, and the dispatch of media
/// events to them.
public actor RoomRegistry {
    public nonisolated let media: MediaNode
    let logger: Logger
    var rooms: [String: Room] = [:]
    /// Meetings a host ended recently: guests may not restart them for a while.
    private var endedAt: [String: Date] = [:]
    private var eventTask: Task<Void, Never>?
    public static let endedGracePeriod: TimeInterval = 300

    /// Most participants per room.
    let capacity: Int
    /// How long a participant whose connection dropped keeps their place.
    public nonisolated let reconnectGrace: Duration
    /// Calls phones for "Call a phone" (the SIP gateway), if there is one.
    public private(set) var dialer: (any PhoneDialer)?

    public func setDialer(_ dialer: (any PhoneDialer)?) { self.dialer = dialer }

    /// Other nodes rooms here may attach participants' media to (rooms that span nodes).
    public private(set) var sites: (any MediaSites)?
    public func setSites(_ sites: (any MediaSites)?) { self.sites = sites }

    /// Transports this node holds for rooms on other nodes (`MediaSites`):
    /// the media events of routers with no room here go to them.
    public nonisolated let guests: GuestMedia

    public init(media: MediaNode, capacity: Int = 100, reconnectGrace: Duration = .seconds(60), logger: Logger) {
        self.media = media
        self.guests = GuestMedia(media: media, logger: logger)
        self.capacity = capacity
        self.reconnectGrace = reconnectGrace
        self.logger = logger
    }

    /// Starts routing media events to rooms (until the media node stops).
    public func start() {
        guard eventTask == nil else { return }
        let events = media.events
        eventTask = Task { [weak self] in
            for await event in events {
                guard let self else { return }
                await self.dispatch(event)
            }
        }
    }

    private func dispatch(_ event: MediaEvent) async {
        let routerID: String
        switch event {
        case .transportConnected(let r, _), .transportClosed(let r, _, _), .activeSpeaker(let r, _): routerID = r
        }
        if let room = rooms[routerID] {
            await room.handle(event)
        } else {
            await guests.handle(event)
        }
    }

    /// Another node is gone, or drains (`reachable`): every room here
    /// moves the media it had there (`Room.mediaSiteLost`). If it is gone,
    /// the transports this node held for its rooms close (their people come
    /// back through the room's new node), and so do their routers, unless a
    /// room of the same meeting now runs here.
    public func mediaSiteLost(_ nodeName: String, reachable: Bool = false) async {
        for room in rooms.values { await room.mediaSiteLost(nodeName, reachable: reachable) }
        guard !reachable else { return }
        for (routerID, transportIDs) in guests.forget(home: nodeName) {
            for id in transportIDs { await media.closeTransport(id) }
            if rooms[routerID] == nil { await media.closeRouter(routerID) }
        }
    }

    /// Joins `request` to the live room of a meeting (made on first use),
    /// returning the room and the participant's id. A room that was closing
    /// as the person arrived (its last participant had just left) is let go
    /// and a fresh one takes its place, so the race between a join and a
    /// close has one answer: the person is in an open room.
    ///
    /// `entering` is told the room before each try, so events the room sends
    /// at once find the caller ready. It may return the media to join with
    /// (an in-process participant makes its local transport there, in the
    /// router of the room it joins: a transport made in a closing room's
    /// router dies with it); nil keeps `request.media`.
    public func join(_ info: RoomInfo, _ request: JoinRequest, connection: any ParticipantConnection,
                     entering: @Sendable (Room) async throws -> JoinMedia? = { _ in nil }
    ) async throws(RoomError) -> (room: Room, participantID: String) {
        var lastError = RoomError.closed
        for _ in 0..<3 {
            let room = try room(for: info, joiningAs: request.role)
            var attempt = request
            var madeForThisTry: String?
            do {
                if let media = try await entering(room) {
                    attempt.media = media
                    if case .local(let transportID) = media { madeForThisTry = transportID }
                }
            } catch {
                throw RoomError("media_unavailable", "The media server could not take you in: \(error)")
            }
            do {
                return (room, try await room.join(attempt, connection: connection))
            } catch where error == .closed {
                // Only this closing room goes (a fresh one may already stand in
                // its place), and only once its router is gone: the fresh room's
                // router has the same id.
                if rooms[info.meetingId] === room { rooms[info.meetingId] = nil }
                await room.waitUntilClosed()
                // The transport made for this try is not the next try's.
                if let madeForThisTry { await media.closeTransport(madeForThisTry) }
                lastError = error
            }
        }
        throw lastError
    }

    /// Someone comes back with a resume token (`request.participantID` is
    /// theirs). If the meeting's room still holds them, they take their place
    /// again (`Room.resume`); if not (the server restarted, the room emptied,
    /// their grace period ran out), they join as a returning participant
    /// under the same id and role, past the lock and the lobby. Returns the
    /// room, the connection's epoch, and whether it was a resume.
    public func resume(_ info: RoomInfo, _ request: JoinRequest, connection: any ParticipantConnection,
                       keepMedia: Bool) async throws(RoomError) -> (room: Room, epoch: Int, resumed: Bool) {
        guard let id = request.participantID else { throw .notInRoom }
        if let room = rooms[info.meetingId], await room.holds(id) {
            do {
                return (room, try await room.resume(id, connection: connection, keepMedia: keepMedia), true)
            } catch where error == .closed {
                // It closed under us: join the fresh room below.
            }
        }
        var returning = request
        returning.returning = true
        returning.lobbyApplies = false
        let (room, _) = try await join(info, returning, connection: connection)
        return (room, 0, false)
    }

    /// The live room of a meeting, made on first use. A meeting a host ended
    /// in the last five minutes can be restarted only by a moderator.
    public func room(for info: RoomInfo, joiningAs role: ParticipantRole) throws(RoomError) -> Room {
        if let room = rooms[info.meetingId] { return room }
        guard startsRooms else { throw .notStarting }
        guard Self.mayRestart(endedAt: endedAt[info.meetingId], now: Date(), role: role) else { throw .ended }
        endedAt[info.meetingId] = nil
        let room = Room(info: info, media: media, sites: sites, capacity: capacity, reconnectGrace: reconnectGrace, logger: logger, onEmpty: { [weak self] id in
            Task { await self?.roomEmptied(id) }
        }, onAdmitted: { [weak self] room in
            Task { await self?.admissionObserver?(room) }
        })
        rooms[info.meetingId] = room
        let id = info.meetingId
        schedulePlacement(id) { await $0.claimed(id) }
        return room
    }

    public func existingRoom(_ meetingID: String) -> Room? { rooms[meetingID] }

    /// Whether a meeting with no room here gets one (false on a cordoned or
    /// draining cluster node: its own meetings go on, new ones start elsewhere).
    public private(set) var startsRooms = true

    public func setStartsRooms(_ starts: Bool) { startsRooms = starts }

    /// Whether someone entering `meetingID` would find a room here: it runs
    /// here already, or this node starts rooms.
    public func hostsOrStarts(_ meetingID: String) -> Bool { startsRooms || rooms[meetingID] != nil }

    /// Where rooms run in a cluster; nil on a server alone.
    var locator: (any RoomLocator)?

    public func setLocator(_ locator: (any RoomLocator)?) { self.locator = locator }

    /// The other node that runs `meetingID` (nil when its room is live here,
    /// runs nowhere, or there is no cluster); never places it.
    public func remoteHolder(of meetingID: String) async -> RoomLocation.RemoteNode? {
        guard rooms[meetingID] == nil, let locator else { return nil }
        return await locator.holder(of: meetingID)
    }

    /// Where `meetingID`'s room runs: here when it is live here (whatever
    /// the database says: media never waits on it) or when there is no
    /// cluster; else where the locator places it.
    public func locate(_ meetingID: String) async -> RoomLocation {
        if rooms[meetingID] != nil { return .here }
        // A release under way would delete the row this reads.
        await placementWork[meetingID]?.value
        if rooms[meetingID] != nil { return .here }
        guard let locator else { return .here }
        return await locator.locate(meetingID)
    }

    /// Per meeting, the cluster bookkeeping under way, chained in order (a
    /// room's release, then the claim of a room started after it), so the
    /// row ends up saying what this node does: a join racing a room's close
    /// never leaves a live room without its row.
    private var placementWork: [String: Task<Void, Never>] = [:]

    private func schedulePlacement(_ meetingID: String, _ work: @escaping @Sendable (any RoomLocator) async -> Void) {
        guard let locator else { return }
        let previous = placementWork[meetingID]
        let task = Task {
            await previous?.value
            await work(locator)
        }
        placementWork[meetingID] = task
        Task { [weak self] in
            await task.value
            await self?.placementDone(meetingID, task)
        }
    }

    private func placementDone(_ meetingID: String, _ task: Task<Void, Never>) {
        if placementWork[meetingID] == task { placementWork[meetingID] = nil }
    }

    /// People in all rooms (browsers, callers, recorders).
    public var participantCount: Int {
        get async {
            var count = 0
            for room in rooms.values { count += await room.participantCount }
            return count
        }
    }

    /// The restart rule (pure, for every front door alike): a meeting a host
    /// ended less than `endedGracePeriod` ago may be restarted only by a
    /// moderator, so the people just sent away cannot reopen it; after that,
    /// anyone may. Refused entrants get `RoomError.Reason.ended`.
    public static func mayRestart(endedAt: Date?, now: Date, role: ParticipantRole) -> Bool {
        guard let endedAt else { return true }
        return role.isModerator || now.timeIntervalSince(endedAt) >= endedGracePeriod
    }

    /// Told whenever someone (a browser or a phone caller, not the recorder)
    /// is let into any room: meetings that record themselves start here.
    private var admissionObserver: (@Sendable (Room) async -> Void)?

    public func setAdmissionObserver(_ observer: (@Sendable (Room) async -> Void)?) {
        admissionObserver = observer
    }

    /// A room closed (emptied or ended): it leaves the registry, unless a
    /// fresh room already took its place.
    private func roomEmptied(_ id: String) async {
        guard let room = rooms[id] else { return }
        let closed = await room.lifecycle == .closed
        let ended = await room.isEnded
        // The registry may have changed while it asked.
        guard closed, rooms[id] === room else { return }
        if ended { endedAt[id] = Date() }
        rooms[id] = nil
        // The meeting may start on any node next time; a room started here
        // meanwhile claims it again after this (`schedulePlacement`).
        schedulePlacement(id) { await $0.released(id) }
    }

    public var count: Int { rooms.count }

    /// Closes every room for a server shutdown. Nobody is told the meeting
    /// ended: their sockets close and browsers come back with their resume
    /// tokens when the server is up again (a deploy or a restart is not the
    /// end of a meeting).
    public func shutdown() async {
        for room in rooms.values { await room.closeForShutdown() }
        rooms.removeAll()
        eventTask?.cancel()
    }
}
