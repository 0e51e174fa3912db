import Foundation
import Logging
import NIOCore
import SDP
import SFU

/// One simulated browser in a Janus VideoRoom (the plugin's documented
/// flow): a publisher handle that joins with our offer (`joinandconfigure`)
/// and gets Janus's answer; a subscriber handle that joins with the feeds to
/// receive, gets Janus's offer and answers with `start`, then picks the
/// simulcast substream that fits its tile (`configure`). The media side is
/// the same `ClientPeerConnection` as against Parley.
public actor JanusParticipant: LoadParticipant {
    public let plan: ParticipantPlan
    let api: JanusAPI
    let room: Int
    let group: any EventLoopGroup
    let clock: LoadClock
    let dtlsContext: DTLSContext
    let sockets: ClientSocketSettings
    var session: Int?
    var publishHandle: Int?
    var subscribeHandle: Int?
    var publish: NIOLoopBound<ClientPeerConnection>?
    var subscribe: NIOLoopBound<ClientPeerConnection>?
    /// Our feed id once published.
    public private(set) var feed: Int?
    var events: [JanusAPI.Message] = []
    var poller: Task<Void, Never>?
    var joinStartedAt: Double?
    var stopped = false
    var errors: [String] = []

    public init(plan: ParticipantPlan, api: JanusAPI, room: Int, group: any EventLoopGroup, clock: LoadClock,
                dtlsContext: DTLSContext, sockets: ClientSocketSettings) {
        self.plan = plan
        self.api = api
        self.room = room
        self.group = group
        self.clock = clock
        self.dtlsContext = dtlsContext
        self.sockets = sockets
    }

    func start() async throws -> Int {
        if let session { return session }
        joinStartedAt = clock.seconds()
        let id = try await api.createSession()
        session = id
        let api = self.api
        // Not cancelled on leave: cancelling a URLSession request from
        // Swift concurrency hung the generator now and then on Linux. The
        // loop ends when the session is destroyed (the poll then fails).
        poller = Task { [weak self] in
            while await self?.stopped == false {
                guard let batch = try? await api.events(session: id) else {
                    if await self?.stopped != false { return }
                    try? await Task.sleep(for: .milliseconds(200))
                    continue
                }
                await self?.receive(batch)
            }
        }
        return id
    }

    func receive(_ batch: [JanusAPI.Message]) {
        for message in batch where message.janus == "event" || message.janus == "hangup" {
            if message.janus == "hangup" { errors.append("Janus hung up: \(message.object["reason"] ?? "")") }
            events.append(message)
        }
    }

    /// The first event from `handle` with an SDP, waiting up to 10 s.
    func jsepEvent(handle: Int) async throws -> JanusAPI.Message {
        for _ in 0..<1000 {
            if let index = events.firstIndex(where: { $0.sender == handle && $0.jsep != nil }) {
                return events.remove(at: index)
            }
            if let error = events.first(where: { $0.sender == handle && $0.pluginData["error"] != nil }) {
                throw LoadTestError.negotiation("Janus: \(error.pluginData["error"] ?? "")")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw LoadTestError.negotiation("Janus sent no SDP within 10 s")
    }

    /// Publishes (microphone and camera as the page would) and returns our feed id.
    public func publishMedia() async throws -> Int {
        let session = try await start()
        let handle = try await api.attachVideoRoom(session: session)
        publishHandle = handle
        let connection = try await ClientPeerConnection.open(role: .publish, sockets: sockets, group: group, clock: clock,
                                                             dtlsContext: dtlsContext)
        publish = connection
        let plan = self.plan
        var offer = try await connection.eventLoop.submit { connection.value.publishOffer(for: plan) }.get()
        // Janus takes the first encoding of a=simulcast for its highest
        // substream (2) and the last for its lowest (0), whatever the rids
        // are called; Chromium lists Parley's page lowest first. Listed
        // lowest first here, "q" would be Janus's substream 2 and a
        // subscriber asking for 2 would get the smallest picture.
        offer.simulcastRIDs.reverse()
        try await api.message(session: session, handle: handle,
                              body: ["request": "joinandconfigure", "ptype": "publisher", "room": room,
                                     "display": plan.name, "audio": plan.audio, "video": plan.video],
                              jsep: ("offer", offer.sdp))
        let event = try await jsepEvent(handle: handle)
        guard let id = (event.pluginData["id"] as? NSNumber)?.intValue, let jsep = event.jsep else {
            throw LoadTestError.negotiation("Janus joined without a feed id")
        }
        let answer = try SessionDescription(parsing: jsep.sdp)
        let media = PublisherMedia.answering(offer, with: answer)
        let remote = try RemoteTransport(answer)
        try await connection.eventLoop.submit {
            connection.value.publisher = media
            connection.value.start(remote: remote)
        }.get()
        feed = id
        return id
    }

    /// Receives `feeds` (every other publisher of the room).
    public func subscribe(to feeds: [Int]) async throws {
        guard !feeds.isEmpty else { return }
        let session = try await start()
        let handle = try await api.attachVideoRoom(session: session)
        subscribeHandle = handle
        let streams: [[String: Int]] = feeds.map { ["feed": $0] }
        try await api.message(session: session, handle: handle,
                              body: ["request": "join", "ptype": "subscriber", "room": room, "streams": streams])
        let event = try await jsepEvent(handle: handle)
        guard let jsep = event.jsep else { throw LoadTestError.negotiation("no offer") }
        let offer = try SessionDescription(parsing: jsep.sdp)
        let remote = try RemoteTransport(offer)
        let connection = try await ClientPeerConnection.open(role: .subscribe, sockets: sockets, group: group, clock: clock,
                                                             dtlsContext: dtlsContext)
        subscribe = connection
        var producers: [String: String] = [:]
        for section in offer.media { if let mid = section.mid { producers[mid] = "janus-\(handle)-\(mid)" } }
        let tracks = SubscribeAnswerWriter.tracks(in: offer, producers: producers)
        let answer = try await connection.eventLoop.submit { connection.value.subscribeAnswer(to: offer, tracks: tracks) }.get()
        try await api.message(session: session, handle: handle, body: ["request": "start"], jsep: ("answer", answer))
        try await connection.eventLoop.submit { connection.value.start(remote: remote) }.get()
        // The substream that fits the tile, as Parley's layer choice does (q ≤ 180, h ≤ 360 lines).
        let substream = plan.tile.height <= 180 ? 0 : plan.tile.height <= 360 ? 1 : 2
        let videoMids = offer.media.filter { $0.kind == "video" && !$0.isRejected }.compactMap(\.mid)
        let configure: [[String: any Sendable]] = videoMids.map { ["mid": $0, "substream": substream] }
        if !configure.isEmpty {
            try await api.message(session: session, handle: handle, body: ["request": "configure", "streams": configure])
        }
    }

    public func snapshot() async -> ParticipantSnapshot {
        await ParticipantSnapshot.collect(publish: publish, subscribe: subscribe, publishes: plan.publishes,
                                          joinStartedAt: joinStartedAt ?? 0, errors: errors)
    }

    /// Closes the connections and destroys the session (which ends the long
    /// poll) without waiting for Janus's reply: leaving is after the window.
    public func leave() async {
        stopped = true
        for connection in [publish, subscribe].compactMap({ $0 }) {
            try? await connection.eventLoop.submit { connection.value.close() }.get()
        }
        if let session {
            let api = self.api
            Task { await api.destroy(session: session) }
        }
    }
}
