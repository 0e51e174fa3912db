import Foundation
import Logging
import NIOCore
import SDP
import SFU

/// One simulated browser in a meeting: it joins through the public API and
/// the signaling socket as `session.js` does, publishes with a publish
/// connection (it offers), receives with a subscribe connection (Parley
/// offers, it answers), tells Parley its tile sizes (`layers.prefer`) and
/// pings every 5 s. When its socket drops it comes back as the page does
/// (Docs/signaling.md, "Staying in the meeting"): `resume` with its latest
/// token on a new socket, trying the other servers it knows first (as a load
/// balancer in front of a cluster would send it elsewhere), with backoff,
/// then fresh media connections.
public actor SimulatedParticipant: LoadParticipant {
    public let plan: ParticipantPlan
    let api: ParleyAPI
    let signalURL: String
    /// Where a dropped socket tries to come back, after `signalURL`'s server
    /// (`LoadTestConfiguration.resumeThrough`).
    let resumeURLs: [String]
    let group: any EventLoopGroup
    let clock: LoadClock
    let dtlsContext: DTLSContext
    let logger: Logger
    let sockets: ClientSocketSettings

    var signaling: SignalingClient?
    var publish: NIOLoopBound<ClientPeerConnection>?
    var subscribe: NIOLoopBound<ClientPeerConnection>?
    var offer: PublishOffer?
    var preferred: Set<String> = []
    var joinStartedAt: Double?
    var errors: [String] = []
    var tasks: [Task<Void, Never>] = []
    /// The latest resume token (from `joined`, `resumed`, `pong`).
    var resumeToken: String?
    /// Leaving, removed or the meeting ended: a closed socket is not a loss.
    var done = false
    /// When the socket last dropped, and when the participant was back in the meeting.
    var lostAt: Double?
    var backAt: Double?
    var comebacks = 0
    /// What the connections closed at a loss had counted, and the first
    /// join's timings: a report covers the whole run, not the last connections.
    var carried = MediaCounters()
    var firstJoin: (join: Double?, firstMedia: Double?)?

    public init(plan: ParticipantPlan, api: ParleyAPI, signalURL: String, resumeURLs: [String] = [], group: any EventLoopGroup,
                clock: LoadClock, dtlsContext: DTLSContext, sockets: ClientSocketSettings = ClientSocketSettings(), logger: Logger) {
        self.plan = plan
        self.api = api
        self.signalURL = signalURL
        self.resumeURLs = resumeURLs
        self.group = group
        self.clock = clock
        self.dtlsContext = dtlsContext
        self.sockets = sockets
        self.logger = logger
    }

    /// Joins with a join token; returns once `joined` arrived (the media
    /// connections come up on their own afterwards).
    public func join(token: String) async throws {
        joinStartedAt = clock.seconds()
        let signaling = try await SignalingClient.connect(url: signalURL, eventLoopGroup: group, logger: logger)
        self.signaling = signaling
        try await signaling.send("join", ["token": token])
        var iterator = signaling.messages.makeAsyncIterator()
        while let message = await iterator.next() {
            if message.type == "joined" {
                resumeToken = message.resumeToken
                break
            }
            if message.type == "error" {
                throw LoadTestError.signaling("join refused: \(message.code ?? "?") \(message.message ?? "")")
            }
            if message.type == "subscribe.offer" { await handle(message) }
        }
        if plan.publishes { try await startPublishing() }
        listen(to: signaling)
        tasks.append(Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(5))
                try? await self?.signaling?.send("ping")
            }
        })
    }

    /// The page's publish step: a publish connection and its offer.
    func startPublishing() async throws {
        let connection = try await ClientPeerConnection.open(role: .publish, sockets: sockets, group: group, clock: clock,
                                                             dtlsContext: dtlsContext)
        publish = connection
        let plan = self.plan
        let offer = try await connection.eventLoop.submit { connection.value.publishOffer(for: plan) }.get()
        self.offer = offer
        let tracks: [[String: String]] = offer.tracks.map { ["mid": $0.mid, "source": $0.source] }
        try await signaling?.send("publish.offer", ["sdp": offer.sdp, "tracks": tracks])
    }

    /// Handles what `signaling` brings until it closes; then, unless the
    /// participant is done, comes back.
    func listen(to signaling: SignalingClient) {
        let messages = signaling.messages
        tasks.append(Task { [weak self] in
            for await message in messages { await self?.handle(message) }
            await self?.socketEnded(signaling)
        })
    }

    func socketEnded(_ ended: SignalingClient) async {
        guard !done, ended === signaling else { return }
        await comeBack()
    }

    /// The page's waits before each resume attempt (`RECONNECT_BACKOFF_MS`
    /// in session.js), the last repeated.
    static let backoff: [Duration] = [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(1)]

    /// Back into the meeting after the socket dropped: `resume` on a new
    /// socket (the next server first: the one that dropped us may be gone)
    /// after the page's backoff, for up to two minutes, then new media connections.
    func comeBack() async {
        guard let token = resumeToken else { return }
        let lost = clock.seconds()
        lostAt = lost
        backAt = nil
        let before = await ParticipantSnapshot.collect(publish: publish, subscribe: subscribe, publishes: plan.publishes,
                                                       joinStartedAt: joinStartedAt ?? 0, errors: [])
        carried = carried + before.counters
        if firstJoin == nil { firstJoin = (before.joinSeconds, before.firstMediaSeconds) }
        for connection in [publish, subscribe].compactMap({ $0 }) {
            try? await connection.eventLoop.submit { connection.value.close() }.get()
        }
        publish = nil
        subscribe = nil
        offer = nil
        preferred = []
        // A server that refuses the connection is left out of the rotation,
        // as a load balancer's health check would take it out.
        var urls = [signalURL] + resumeURLs
        var attempt = 0
        while !done, clock.seconds() - lost < 120 {
            try? await Task.sleep(for: Self.backoff[min(attempt, Self.backoff.count - 1)])
            attempt += 1
            let url = urls[attempt % urls.count]
            guard let socket = try? await SignalingClient.connect(url: url, eventLoopGroup: group, logger: logger) else {
                if urls.count > 1 { urls.removeAll { $0 == url } }
                continue
            }
            try? await socket.send("resume", ["resumeToken": resumeToken ?? token, "keepMedia": false])
            var iterator = socket.messages.makeAsyncIterator()
            var back = false
            while let message = await iterator.next() {
                if message.type == "joined" || message.type == "resumed" {
                    if let fresh = message.resumeToken { resumeToken = fresh }
                    back = true
                    break
                }
                if message.type == "error" { break }
            }
            if back {
                signaling = socket
                backAt = clock.seconds()
                comebacks += 1
                listen(to: socket)
                if plan.publishes {
                    do { try await startPublishing() } catch { errors.append("publishing again: \(error)") }
                }
                return
            }
            socket.close()
        }
        if !done { errors.append("not back in the meeting within 120 s") }
    }

    func handle(_ message: SignalMessage) async {
        if let token = message.resumeToken { resumeToken = token }
        do {
            switch message.type {
            case "publish.answer":
                try await applyPublishAnswer(message.sdp ?? "")
            case "subscribe.offer":
                try await applySubscribeOffer(message)
            case "error":
                errors.append("\(message.requestType ?? "?"): \(message.code ?? "?") \(message.message ?? "")")
            case "removed", "room.ended":
                done = true
                errors.append("server said \(message.type)")
            case "media.reset":
                errors.append("server said \(message.type)")
            default:
                break
            }
        } catch {
            errors.append("\(message.type): \(error)")
        }
    }

    func applyPublishAnswer(_ sdp: String) async throws {
        guard let publish, let offer else { return }
        let answer = try SessionDescription(parsing: sdp)
        let remote = try RemoteTransport(answer)
        let media = PublisherMedia.answering(offer, with: answer)
        try await publish.eventLoop.submit {
            let connection = publish.value
            if connection.publisher == nil { connection.publisher = media }
            connection.start(remote: remote)
        }.get()
    }

    func applySubscribeOffer(_ message: SignalMessage) async throws {
        let offer = try SessionDescription(parsing: message.sdp ?? "")
        let remote = try RemoteTransport(offer)
        if subscribe == nil {
            subscribe = try await ClientPeerConnection.open(role: .subscribe, sockets: sockets, group: group, clock: clock,
                                                            dtlsContext: dtlsContext)
        }
        guard let subscribe else { return }
        var producers: [String: String] = [:]
        for track in message.tracks ?? [] { producers[track.mid] = track.producerId }
        let tracks = SubscribeAnswerWriter.tracks(in: offer, producers: producers)
        let answer = try await subscribe.eventLoop.submit { subscribe.value.subscribeAnswer(to: offer, tracks: tracks) }.get()
        try await signaling?.send("subscribe.answer", ["sdp": answer])
        try await subscribe.eventLoop.submit { subscribe.value.start(remote: remote) }.get()
        // The page reports each video tile's size once it is shown (grid.js).
        for track in message.tracks ?? [] where track.source == "camera" || track.source == "screen" {
            guard let producer = track.producerId, !preferred.contains(producer) else { continue }
            preferred.insert(producer)
            try await signaling?.send("layers.prefer", ["producerId": producer, "width": plan.tile.width,
                                                        "height": plan.tile.height])
        }
    }

    /// Counters and timings so far.
    public func snapshot() async -> ParticipantSnapshot {
        var s = await ParticipantSnapshot.collect(publish: publish, subscribe: subscribe, publishes: plan.publishes,
                                                  joinStartedAt: joinStartedAt ?? 0, errors: errors)
        s.comebacks = comebacks
        s.counters = s.counters + carried
        if let lostAt {
            // The connections are the new ones: their first packet came after the loss.
            if let backAt { s.backSeconds = backAt - lostAt }
            s.mediaBackSeconds = s.firstMediaSeconds.map { $0 + (joinStartedAt ?? 0) - lostAt }
            s.joinSeconds = firstJoin?.join
            s.firstMediaSeconds = firstJoin?.firstMedia
        }
        return s
    }

    /// Drops the signaling socket without leaving, as a network would (tests).
    func dropSocket() {
        signaling?.close()
    }

    /// Leaves as the page does (`leave`, then the socket closes) and closes the connections.
    public func leave() async {
        done = true
        for task in tasks { task.cancel() }
        try? await signaling?.send("leave")
        signaling?.close()
        for connection in [publish, subscribe].compactMap({ $0 }) {
            try? await connection.eventLoop.submit { connection.value.close() }.get()
        }
    }
}
