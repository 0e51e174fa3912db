import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Store

/// The notification WebSocket at `/api/v1/ws`: presence, notifications and
/// call updates out; ping and meeting enter/leave in.
struct LiveSocket {
    let hub: LiveHub
    let store: Store
    let metrics: AppMetrics

    struct Inbound: Decodable {
        var type: String
        var code: String?
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.ws("/api/v1/ws") { _, context in
            // Only signed-in users get a socket (401 JSON otherwise, via the error middleware).
            _ = try context.requireUser()
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, wsContext in
            guard let user = wsContext.requestContext.user else { return }
            let logger = wsContext.logger
            let (connectionId, outbox) = await hub.connect(userId: user.id) {
                logger.notice("live socket client fell behind: disconnecting", metadata: ["queued": "\(LiveHub.outboxLimit)"])
                metrics.slowSocketsClosed(socket: "live").increment()
            }
            metrics.liveConnections.set(Double(await hub.connectionCount))
            await hub.send(LiveMessage.hello(UserSummary(user)), to: user.id, connectionId: connectionId)
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await outbox.write(to: outbound) }
                    // A tab that stopped reading leaves the writer stuck in a write.
                    group.addTask { await outbox.untilOverflow(grace: .seconds(5)) }
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 16_384) {
                            guard case .text(let text) = message,
                                let command = try? JSONDecoder().decode(Inbound.self, from: Data(text.utf8))
                            else {
                                await hub.send(LiveMessage.error("Messages must be JSON objects with a type."), to: user.id, connectionId: connectionId)
                                continue
                            }
                            await handle(command, userId: user.id, connectionId: connectionId)
                        }
                    }
                    // Whichever side ends first (browser closed, server shutting down) ends both.
                    try await group.next()
                    group.cancelAll()
                }
            } catch {
                logger.debug("live socket closed", metadata: ["error": "\(error)"])
            }
            await hub.disconnect(userId: user.id, connectionId: connectionId)
            metrics.liveConnections.set(Double(await hub.connectionCount))
        }
    }

    private func handle(_ command: Inbound, userId: String, connectionId: UUID) async {
        switch command.type {
        case "ping":
            await hub.send(LiveMessage.pong, to: userId, connectionId: connectionId)
        case "meeting.enter":
            guard let code = command.code, code.count <= 32,
                (try? await store.meeting(code: code)).flatMap({ $0 }) != nil
            else {
                await hub.send(LiveMessage.error("There is no meeting with that code."), to: userId, connectionId: connectionId)
                return
            }
            await hub.enterMeeting(userId: userId, connectionId: connectionId, code: code)
        case "meeting.leave":
            await hub.leaveMeeting(userId: userId, connectionId: connectionId)
        default:
            await hub.send(LiveMessage.error("Unknown message type '\(command.type.prefix(40))'."), to: userId, connectionId: connectionId)
        }
    }
}
