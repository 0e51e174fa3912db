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

    func addRoutes(to router: Router<AppRequestContext>) {
        router.ws("/api/v1/signal") { _, _ in
            .upgrade([:])
        } onUpgrade: { inbound, outbound, wsContext in
            await run(inbound: inbound, outbound: outbound, logger: wsContext.logger)
        }
    }

    private func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger) async {
        let (queue, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(512))
        let session = SignalingSession(services: services, rooms: rooms, continuation: continuation, logger: logger)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await text in queue { try await outbound.write(.text(text)) }
                    // The room closed us (removed, ended, denied): say goodbye.
                    try await outbound.close(.normalClosure, reason: nil)
                }
                group.addTask {
                    for try await message in inbound.messages(maxSize: Self.maxMessageBytes) {
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
