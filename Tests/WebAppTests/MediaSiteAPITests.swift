import Foundation
import Rooms
import SFU
import Testing
@testable import WebApp

/// The control plane of rooms that span nodes: another node (the test,
/// signing with the shared key) has a live Parley hold a participant's
/// transports for a room it runs, through `MediaSiteController`.
@Suite struct MediaSiteAPITests {
    @Test("a room's node makes, uses and closes transports on another node; its events are taken; strangers are refused")
    func transportsOnAnotherNode() async throws {
        try await TestApp.run { app in
            let forwarder = NodeForwarder(from: "home", signature: RelaySignature(secret: app.services.joinTokenKey))
            let here = NodeReference(name: "alpha", controlURL: "http://127.0.0.1:\(app.port)")
            let home = NodeReference(name: "home", controlURL: "http://127.0.0.1:9")
            let remote = RemoteRoomMedia(node: here, home: home, forwarder: forwarder)
            let media = app.core.media

            let (publish, subscribe) = try await remote.createTransportPair(routerID: "m-span")
            #expect(await media.statistics().transports == 2)
            #expect(app.core.rooms.guests.participantCount == 1, "one person's media held for a room elsewhere")
            #expect(app.core.rooms.guests.routerCount == 1)
            // Nothing to subscribe to yet: no offer.
            let offer = try await remote.subscribe(routerID: "m-span", transportID: subscribe.id, producerIDs: [], origins: [:],
                                                   force: false)
            #expect(offer == nil)
            // A bad publish offer is refused with the media plane's own error, as here.
            let local = await #expect(throws: MediaError.self) {
                _ = try await media.publish(transportID: publish.id, offer: "v=0", sources: [:])
            }
            let there = await #expect(throws: MediaError.self) {
                _ = try await remote.publish(transportID: publish.id, offer: "v=0", sources: [:])
            }
            #expect(there != nil && there == local)
            await remote.closeTransport(publish.id)
            #expect(await media.statistics().transports == 1)
            await remote.closeRouter("m-span")
            #expect(await media.statistics().transports == 0)
            #expect(await media.statistics().routers == 0)
            #expect(app.core.rooms.guests.routerCount == 0)

            // An event for a room this node does not run: taken, nothing to do.
            let node = RoomLocation.RemoteNode(name: "alpha", httpURL: here.controlURL, sipAddress: "")
            let received: MediaSiteController.Received = try await forwarder.postJSON(
                MediaSiteController.eventsPath, MediaEvent.transportClosed(routerID: "m-none", transportID: "t", reason: "dtls"), to: node)
            #expect(!received.handled)

            // Without the cluster's signature: refused.
            let stranger = try await app.call(.post, MediaSiteController.callPath,
                                              json: ["closeRouter": ["routerId": "m-span"]])
            #expect(stranger.status == .forbidden)
            #expect(stranger.errorCode == "not_a_node")
            let forged = try await app.call(.post, MediaSiteController.eventsPath, json: ["x": 1],
                                            headers: [SignalingRelay.relayedByHeader: "home"])
            #expect(forged.status == .forbidden)
        }
    }

    @Test("a node the cluster picked but that cannot be reached: the room's node takes the person's media itself")
    func unreachableSiteFallsBackHere() async throws {
        try await TestApp.run { app in
            let forwarder = NodeForwarder(from: "alpha", signature: RelaySignature(secret: app.services.joinTokenKey))
            // Nothing listens on port 9 of 127.0.0.1: every call to that node fails.
            let ghost = NodeReference(name: "ghost", controlURL: "http://127.0.0.1:9")
            let picker = MediaSitePicker(here: NodeReference(name: "alpha", controlURL: "http://127.0.0.1:\(app.port)")) { _, _ in ghost }
            let sites = NodeMediaSites(picker: picker, forwarder: forwarder)
            var logger = app.services.logger
            logger.logLevel = .critical
            let room = Room(info: RoomInfo(meetingId: "m-ghost", code: "abc-defg-hij", title: "Ghost", locked: false, lobbyEnabled: false),
                            media: app.core.media, sites: sites, logger: logger, onEmpty: { _ in })
            let connection = FrontDoorAdmissionTests.CallerConnection()
            let id = try await room.join(JoinRequest(displayName: "Ada", userId: nil, role: .host), connection: connection)
            #expect(await app.core.media.statistics().transports == 2, "Ada's transports here")
            await room.leave(id)
            #expect(await app.core.media.statistics().transports == 0)
        }
    }
}
