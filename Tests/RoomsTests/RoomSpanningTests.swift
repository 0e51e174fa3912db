import Foundation
import Logging
import NIOPosix
import Rooms
import SFU
import Synchronization
import Testing

/// The control plane between two media nodes of one process: the three
/// steps of a pipe (`MediaNode+NodePipes`) called directly, as
/// `NodePipeClient` carries them over HTTP between real nodes.
struct InProcessFetcher: NodeProducerFetcher {
    let destination: MediaNode
    let nodes: [String: MediaNode]

    struct Unreachable: Error {}

    func pipe(_ producerIDs: [String], routerID: String, from origin: NodeReference, to endpoint: NodePipeEndpoint) async throws -> [String] {
        guard let source = nodes[origin.name] else { throw Unreachable() }
        let offers = try await source.offerPipes(routerID: routerID, producerIDs: producerIDs, to: endpoint)
        for offer in offers { try await destination.acceptPipes(offer, routerID: routerID, at: endpoint) }
        let gone = try await source.startPipes(routerID: routerID, producerIDs: producerIDs, to: endpoint)
        await destination.dropCopies(routerID: routerID, producerIDs: gone, at: endpoint)
        return producerIDs.filter { !gone.contains($0) }
    }
}

/// Two nodes' media in one process; new participants' media goes where `next` says.
final class TwoSites: MediaSites {
    let a: MediaNode, b: MediaNode
    let here = NodeReference(name: "a", controlURL: "http://127.0.0.1:1")
    let other = NodeReference(name: "b", controlURL: "http://127.0.0.2:1")
    let next = Mutex<NodeReference?>(nil)

    init(a: MediaNode, b: MediaNode) {
        self.a = a
        self.b = b
    }

    func site(forJoinOf meetingID: String, arrivedThrough: String?) async -> NodeReference? { next.withLock { $0 } }
    func media(at node: NodeReference) -> any RoomMedia { node == other ? b : a }
}

/// A room that spans nodes (`MediaSites`): the room on node A, one
/// participant's transports on node B, real media nodes on 127.0.0.1 and
/// 127.0.0.2 with pipes between them.
@Suite(.timeLimit(.minutes(1)))
struct RoomSpanningTests {
    func makeNode(host: String) async throws -> MediaNode {
        var logger = Logger(label: "spanning-test")
        logger.logLevel = .critical
        let node = try MediaNode(configuration: MediaConfiguration(host: host, port: 0, tcp: false),
                                 eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
        try await node.start()
        await node.enableNodePipes(secret: [UInt8](repeating: 9, count: 32))
        return node
    }

    func spanningRoom() async throws -> (Room, TwoSites) {
        let a = try await makeNode(host: "127.0.0.1"), b = try await makeNode(host: "127.0.0.2")
        a.setNodeProducerFetcher(InProcessFetcher(destination: a, nodes: ["b": b]))
        b.setNodeProducerFetcher(InProcessFetcher(destination: b, nodes: ["a": a]))
        let sites = TwoSites(a: a, b: b)
        var logger = Logger(label: "spanning-test")
        logger.logLevel = .critical
        let info = RoomInfo(meetingId: "m-\(UInt32.random(in: 0...UInt32.max))", code: "abc-defg-hij", title: "Span",
                            locked: false, lobbyEnabled: false)
        return (Room(info: info, media: a, sites: sites, logger: logger, onEmpty: { _ in }), sites)
    }

    /// A spanning room with Ada's media on A and Ben's on B; returns the room, the sites, their connections and Ben's id.
    func adaHereBenOnB() async throws -> (Room, TwoSites, RecordingConnection, RecordingConnection, String) {
        let (room, sites) = try await spanningRoom()
        let ada = RecordingConnection(), ben = RecordingConnection()
        _ = try await room.join(JoinRequest(displayName: "Ada", userId: nil, role: .host), connection: ada)
        sites.next.withLock { $0 = sites.other }
        let benID = try await room.join(JoinRequest(displayName: "Ben", userId: nil, role: .guest), connection: ben)
        #expect(await sites.b.statistics().transports == 2, "Ben's two transports on B")
        return (room, sites, ada, ben, benID)
    }

    func waitUntil(_ condition: () async -> Bool) async throws {
        for _ in 0..<300 where !(await condition()) { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test("a participant's media on another node: tracks cross both ways on demand, audio goes home, the router closes there too")
    func mediaOnAnotherNode() async throws {
        let (room, sites) = try await spanningRoom()
        let (a, b) = (sites.a, sites.b)
        let ada = RecordingConnection(), ben = RecordingConnection()
        let adaID = try await room.join(JoinRequest(displayName: "Ada", userId: nil, role: .host), connection: ada)
        sites.next.withLock { $0 = sites.other }
        let benID = try await room.join(JoinRequest(displayName: "Ben", userId: nil, role: .guest, arrivedThrough: "b"),
                                        connection: ben)
        #expect(await a.statistics().transports == 2, "Ada's two transports on A")
        #expect(await b.statistics().transports == 2, "Ben's two transports on B")

        // Ben publishes on B. His audio is piped home at once (A detects the speaker).
        let answer = try await room.publish(benID, sdp: chromeOffer(), tracks: ["0": .microphone, "1": .camera])
        #expect(answer.contains("a=ice-lite"))
        #expect(await b.statistics().producers == 2)
        // Ada is offered both of Ben's tracks: A fetched copies from B.
        let offer = try #require(ada.subscribeOffers.last)
        #expect(offer.tracks.count == 2 && offer.tracks.allSatisfy { $0.participantId == benID })
        try await waitUntil { await a.statistics().pipedProducers == 2 }
        #expect(await a.statistics().pipedProducers == 2, "each of Ben's tracks copied to A once")
        try await room.subscribeAnswer(adaID, sdp: chromeAnswer(to: offer.sdp))

        // Ada publishes on A: Ben's offer, made on B, carries her tracks (B fetched them from A).
        _ = try await room.publish(adaID, sdp: chromeOffer(), tracks: ["0": .microphone, "1": .camera])
        let benOffer = try #require(ben.subscribeOffers.last)
        #expect(benOffer.tracks.count == 2 && benOffer.tracks.allSatisfy { $0.participantId == adaID })
        #expect(await b.statistics().pipedProducers == 2)
        try await room.subscribeAnswer(benID, sdp: chromeAnswer(to: benOffer.sdp))

        // Ben leaves: his transports on B close; Ada leaves: the router closes on both nodes.
        await room.leave(benID)
        #expect(await b.statistics().transports == 0)
        await room.leave(adaID)
        #expect(await a.statistics().routers == 0)
        #expect(await b.statistics().routers == 0, "the room's router on B closed with the room")
        await a.stop()
        await b.stop()
    }

    @Test("a node that is lost: its participants' media starts afresh on a live one, and they are told")
    func siteLost() async throws {
        let (room, sites, ada, ben, benID) = try await adaHereBenOnB()
        let (a, b) = (sites.a, sites.b)
        _ = try await room.publish(benID, sdp: chromeOffer(), tracks: ["0": .microphone, "1": .camera])
        // B is lost (the cluster no longer offers it).
        ben.clear()
        ada.clear()
        sites.next.withLock { $0 = nil }
        await room.mediaSiteLost("b")
        #expect(ben.events.contains { if case .mediaReset = $0 { true } else { false } })
        #expect(await a.statistics().transports == 4, "Ben's new transports on A")
        // His tracks left with B: Ada sees him without them until he publishes again.
        #expect(ada.events.contains { if case .participantUpdated(let s) = $0 { s.id == benID && s.producers.isEmpty } else { false } })
        _ = try await room.publish(benID, sdp: chromeOffer(), tracks: ["0": .microphone, "1": .camera])
        #expect(await a.statistics().producers == 2, "Ben publishes on A now")
        await a.stop()
        await b.stop()
    }

    @Test("a node that drains gives its media back: closed there, afresh on a live node")
    func siteDrains() async throws {
        let (room, sites, _, ben, _) = try await adaHereBenOnB()
        let (a, b) = (sites.a, sites.b)
        sites.next.withLock { $0 = nil }
        await room.mediaSiteLost("b", reachable: true)
        #expect(ben.events.contains { if case .mediaReset = $0 { true } else { false } })
        #expect(await b.statistics().transports == 0, "B's transports closed, so its drain can finish")
        #expect(await a.statistics().transports == 4)
        await a.stop()
        await b.stop()
    }

    @Test("a node that cannot be reached leaves the subscribe without its tracks; nothing crashes")
    func unreachableOrigin() async throws {
        let (room, sites) = try await spanningRoom()
        let a = sites.a
        // A fetcher that knows no other node: every fetch fails.
        a.setNodeProducerFetcher(InProcessFetcher(destination: a, nodes: [:]))
        let ada = RecordingConnection(), ben = RecordingConnection()
        _ = try await room.join(JoinRequest(displayName: "Ada", userId: nil, role: .host), connection: ada)
        sites.next.withLock { $0 = sites.other }
        let benID = try await room.join(JoinRequest(displayName: "Ben", userId: nil, role: .guest), connection: ben)
        _ = try await room.publish(benID, sdp: chromeOffer(), tracks: ["0": .microphone, "1": .camera])
        // Ada's offer names no track she cannot get.
        #expect(ada.subscribeOffers.allSatisfy { $0.tracks.isEmpty })
        #expect(await a.statistics().pipedProducers == 0)
        await room.leave(benID)
        await sites.a.stop()
        await sites.b.stop()
    }
}

/// Transports a node holds for rooms on other nodes (`GuestMedia`).
@Suite(.timeLimit(.minutes(1)))
struct GuestMediaTests {
    @Test("the room's node is gone: its guest transports and router close here, and stop counting in the load")
    func homeGone() async throws {
        let media = try await RoomSpanningTests().makeNode(host: "127.0.0.1")
        var logger = Logger(label: "guest-test")
        logger.logLevel = .critical
        let registry = RoomRegistry(media: media, logger: logger)
        await registry.start()
        let home = NodeReference(name: "alpha", controlURL: "http://127.0.0.2:1")
        let publish = try await media.createTransport(routerID: "m-guest", publish: true)
        let subscribe = try await media.createTransport(routerID: "m-guest", publish: false)
        registry.guests.opened(publish.id, publish: true, routerID: "m-guest", home: home)
        registry.guests.opened(subscribe.id, publish: false, routerID: "m-guest", home: home)
        #expect(registry.guests.participantCount == 1)
        // Another home's loss changes nothing here.
        await registry.mediaSiteLost("beta")
        #expect(await media.statistics().transports == 2)
        await registry.mediaSiteLost("alpha")
        #expect(await media.statistics().transports == 0)
        #expect(await media.statistics().routers == 0)
        #expect(registry.guests.participantCount == 0 && registry.guests.routerCount == 0)
        await media.stop()
    }

    @Test("the last guest transport of a router closes (its browser went away): the router closes too")
    func lastTransportCloses() async throws {
        let media = try await RoomSpanningTests().makeNode(host: "127.0.0.1")
        var logger = Logger(label: "guest-test")
        logger.logLevel = .critical
        let registry = RoomRegistry(media: media, logger: logger)
        await registry.start()
        let home = NodeReference(name: "alpha", controlURL: "http://127.0.0.2:1")
        let publish = try await media.createTransport(routerID: "m-guest", publish: true)
        registry.guests.opened(publish.id, publish: true, routerID: "m-guest", home: home)
        await media.closeTransport(publish.id)
        for _ in 0..<200 where registry.guests.routerCount > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(registry.guests.routerCount == 0)
        for _ in 0..<200 where await media.statistics().routers > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await media.statistics().routers == 0)
        await media.stop()
    }
}
