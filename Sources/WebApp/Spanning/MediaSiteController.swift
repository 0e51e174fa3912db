import Hummingbird
import Rooms
import SFU

/// The cluster's control plane for rooms that span nodes: the node running a
/// meeting's room has this node hold some participants' transports
/// (`call`, one `MediaSiteCall` per request), and this node sends those
/// transports' events back to it (`events`). Only nodes of the cluster may
/// call it (a signed `Parley-Relayed-By`); not part of the public API.
struct MediaSiteController {
    let services: AppServices

    static let callPath = "/internal/v1/media/call"
    static let eventsPath = "/internal/v1/media/events"

    /// The answer to an event: taken.
    struct Received: Codable, Sendable {
        var handled: Bool
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post(RouterPath(Self.callPath), use: call)
        router.post(RouterPath(Self.eventsPath), use: event)
    }

    @Sendable func call(_ request: Request, context: AppRequestContext) async throws -> Response {
        try services.forwarder.requireNode(request)
        let call = try await request.decodeJSON(MediaSiteCall.self, context: context)
        do {
            return try .json(try await perform(call))
        } catch let error as MediaError {
            return try .json(MediaSiteCall.Answer(refused: error))
        }
    }

    @Sendable func event(_ request: Request, context: AppRequestContext) async throws -> Response {
        try services.forwarder.requireNode(request)
        let event = try await request.decodeJSON(MediaEvent.self, context: context)
        let routerID: String
        switch event {
        case .transportConnected(let r, _), .transportClosed(let r, _, _), .activeSpeaker(let r, _): routerID = r
        }
        let room = await services.rooms.existingRoom(routerID)
        await room?.handle(event)
        return try .json(Received(handled: room != nil))
    }

    private func perform(_ call: MediaSiteCall) async throws -> MediaSiteCall.Answer {
        let media = services.media
        var answer = MediaSiteCall.Answer()
        switch call {
        case let .createTransportPair(routerID, home):
            let pair = try await media.createTransportPair(routerID: routerID)
            services.rooms.guests.opened(pair.publish.id, publish: true, routerID: routerID, home: home)
            services.rooms.guests.opened(pair.subscribe.id, publish: false, routerID: routerID, home: home)
            answer.publishTransport = pair.publish
            answer.subscribeTransport = pair.subscribe
        case let .publish(transportID, offer, sources):
            answer.publish = try await media.publish(transportID: transportID, offer: offer, sources: sources)
        case let .subscribe(routerID, transportID, producerIDs, origins, force):
            answer.subscribe = try await media.subscribe(routerID: routerID, transportID: transportID, producerIDs: producerIDs,
                                                         origins: origins, force: force)
        case let .subscribeAnswer(transportID, sdp):
            try await media.applySubscribeAnswer(transportID: transportID, answer: sdp)
        case let .setPaused(producerID, routerID, paused):
            await media.setPaused(producerID: producerID, routerID: routerID, paused: paused)
        case let .preferredSize(transportID, producerID, width, height):
            await media.setPreferredSize(transportID: transportID, producerID: producerID, width: width, height: height)
        case let .restartICE(transportID):
            await media.restartICE(transportID: transportID)
        case let .closeTransport(transportID):
            await media.closeTransport(transportID)
        case let .closeRouter(routerID):
            services.rooms.guests.routerClosed(routerID)
            await media.closeRouter(routerID)
        }
        return answer
    }
}
