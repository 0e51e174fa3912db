import Foundation
import Logging
import Store

/// The live side of the web app: who has Parley open (one user may have
/// several tabs), who is in a meeting, and the outbound message queue of each
/// open WebSocket. Presence changes are pushed to the user's friends.
///
/// The hub holds no socket: each connection drains its own `AsyncStream`, so
/// a slow browser never blocks the hub.
public actor LiveHub {
    struct Connection {
        var continuation: SocketOutbox
        /// The meeting link code this tab is in, if any.
        var meetingCode: String?
    }

    private var connections: [String: [UUID: Connection]] = [:]
    /// How many live rooms each user is in (a room's signaling drives this).
    private var inRooms: [String: Int] = [:]
    private let store: Store
    private let logger: Logger

    public init(store: Store, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Messages that may wait for a tab that is slow to read; one more and
    /// the tab is disconnected (it reconnects and reloads what it shows).
    static let outboxLimit = 256

    /// Registers a new socket for `userId`; its outbox holds the JSON texts
    /// to send. `onOverflow` runs if the tab stops reading and the outbox fills.
    func connect(userId: String, onOverflow: @escaping @Sendable () -> Void = {}) async -> (UUID, SocketOutbox) {
        let before = presence(of: userId)
        let id = UUID()
        let outbox = SocketOutbox(limit: Self.outboxLimit, onOverflow: onOverflow)
        connections[userId, default: [:]][id] = Connection(continuation: outbox)
        await announceIfChanged(userId: userId, from: before)
        return (id, outbox)
    }

    func disconnect(userId: String, connectionId: UUID) async {
        let before = presence(of: userId)
        connections[userId]?[connectionId]?.continuation.finish()
        connections[userId]?[connectionId] = nil
        if connections[userId]?.isEmpty == true { connections[userId] = nil }
        await announceIfChanged(userId: userId, from: before)
    }

    func enterMeeting(userId: String, connectionId: UUID, code: String) async {
        let before = presence(of: userId)
        connections[userId]?[connectionId]?.meetingCode = code
        await announceIfChanged(userId: userId, from: before)
    }

    func leaveMeeting(userId: String, connectionId: UUID) async {
        let before = presence(of: userId)
        connections[userId]?[connectionId]?.meetingCode = nil
        await announceIfChanged(userId: userId, from: before)
    }

    /// The user joined a live room (their room's signaling socket says so).
    func roomEntered(userId: String) async {
        let before = presence(of: userId)
        inRooms[userId, default: 0] += 1
        await announceIfChanged(userId: userId, from: before)
    }

    func roomLeft(userId: String) async {
        let before = presence(of: userId)
        let n = (inRooms[userId] ?? 1) - 1
        inRooms[userId] = n > 0 ? n : nil
        await announceIfChanged(userId: userId, from: before)
    }

    func presence(of userId: String) -> Presence {
        if inRooms[userId] != nil { return .inMeeting }
        guard let tabs = connections[userId], !tabs.isEmpty else { return .offline }
        return tabs.values.contains { $0.meetingCode != nil } ? .inMeeting : .online
    }

    func isOnline(_ userId: String) -> Bool { connections[userId]?.isEmpty == false }

    var connectionCount: Int { connections.values.reduce(0) { $0 + $1.count } }

    /// Queues a message on every open socket of `userId`.
    func send(_ text: String, to userId: String) {
        for connection in connections[userId]?.values ?? [:].values {
            connection.continuation.yield(text)
        }
    }

    /// Queues a message on one socket.
    func send(_ text: String, to userId: String, connectionId: UUID) {
        connections[userId]?[connectionId]?.continuation.yield(text)
    }

    /// Closes every socket (server shutdown).
    func closeAll() {
        for tabs in connections.values { for c in tabs.values { c.continuation.finish() } }
        connections = [:]
    }

    private func announceIfChanged(userId: String, from before: Presence) async {
        let now = presence(of: userId)
        guard now != before else { return }
        let message = LiveMessage.presence(userId: userId, presence: now)
        do {
            for friend in try await store.friendIds(of: userId) {
                send(message, to: friend)
            }
        } catch {
            logger.warning("could not announce presence", metadata: ["user": "\(userId)", "error": "\(error)"])
        }
    }
}
