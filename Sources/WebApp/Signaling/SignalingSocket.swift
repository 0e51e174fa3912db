import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Rooms
import SFU
import Store

/// The signaling WebSocket at `/api/v1/signal` (Docs/signaling.md): one per
/// participant, joined with the token from `POST /api/v1/join/{code}`.
struct SignalingSocket {
    let services: AppServices
    let rooms: RoomRegistry

    /// Largest message accepted: a publish offer with three m-lines and
    /// simulcast is ~8 KiB; leave room for many tracks.
    static let maxMessageBytes = 131_072
    /// Messages that may wait for a browser that is slow to read (a room of
    /// 100 sends ~100 at a join); one more and the browser is disconnected.
    static let outboxLimit = 512
    /// Where browsers (and relaying nodes) open the socket.
    static let path = "/api/v1/signal"
    /// Browsers ping every 5 s; a socket silent this long is dead (the
    /// network went, TCP has not noticed): the participant is marked
    /// reconnecting instead of lingering as if present.
    static let silenceLimit: Duration = .seconds(15)

    func addRoutes(to router: Router<AppRequestContext>) {
        router.ws(RouterPath(Self.path)) { _, _ in
            .upgrade([:])
        } onUpgrade: { inbound, outbound, wsContext in
            // Only another node's signed mark makes this a relayed socket; a
            // browser that sends the header itself is a browser.
            let header = wsContext.request.headers[SignalingRelay.relayedByHeader]
            let relayedBy = services.forwarder.relayingNode(header, method: "GET", path: Self.path)
            if header != nil, relayedBy == nil {
                wsContext.logger.notice("a signaling socket claimed to come from another node without the cluster's signature")
            }
            await run(inbound: inbound, outbound: outbound, relayedBy: relayedBy, logger: wsContext.logger)
        }
    }

    private func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, relayedBy: String?, logger: Logger) async {
        let metrics = services.metrics
        let outbox = SocketOutbox(limit: Self.outboxLimit) {
            logger.notice("signaling client fell behind: disconnecting", metadata: ["queued": "\(Self.outboxLimit)"])
            metrics.slowSocketsClosed(socket: "signaling").increment()
        }
        var logger = logger
        if let relayedBy { logger[metadataKey: "relayed_by"] = "\(relayedBy)" }
        let session = SignalingSession(services: services, rooms: rooms, continuation: outbox, relayedBy: relayedBy, logger: logger)
        let lastHeard = SilenceWatch()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // The room closed us (removed, ended, denied): say goodbye.
                    if try await outbox.write(to: outbound) { try await outbound.close(.normalClosure, reason: nil) }
                }
                // A browser that stopped reading leaves the writer stuck in a
                // write: the connection ends a few seconds after the overflow.
                group.addTask { await outbox.untilOverflow(grace: .seconds(5)) }
                group.addTask { await lastHeard.untilSilent(for: Self.silenceLimit) }
                group.addTask {
                    for try await message in inbound.messages(maxSize: Self.maxMessageBytes) {
                        lastHeard.touch()
                        guard case .text(let text) = message else {
                            session.reject("bad_request", "Messages are JSON text.")
                            continue
                        }
                        await session.handle(text)
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            logger.debug("signaling socket closed", metadata: ["error": "\(error)"])
        }
        await session.end()
    }
}
