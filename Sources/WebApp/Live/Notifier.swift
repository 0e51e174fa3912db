import Foundation
import Logging
import Store

/// Stores a notification and pushes it to the user's open tabs, so a person
/// who is offline finds it later and one who is online sees it at once.
struct Notifier: Sendable {
    let store: Store
    let hub: LiveHub
    let logger: Logger

    /// Returns false when a notification with the same `dedupeKey` already exists.
    @discardableResult
    func notify(userId: String, kind: String, data: some Encodable, dedupeKey: String? = nil) async throws -> Bool {
        let json = String(decoding: try JSONEncoder.api.encode(data), as: UTF8.self)
        let record = NotificationRecord(
            id: UUID().uuidString.lowercased(), userId: userId, kind: kind, data: json, dedupeKey: dedupeKey,
            createdAt: Timestamp.now)
        guard try await store.addNotification(record) else { return false }
        await hub.send(LiveMessage.notification(NotificationResponse(record)), to: userId)
        return true
    }

    /// Like ``notify(userId:kind:data:dedupeKey:)`` but logs instead of throwing:
    /// for side effects that must not fail the request that caused them.
    func notifyQuietly(userId: String, kind: String, data: some Encodable, dedupeKey: String? = nil) async {
        do {
            try await notify(userId: userId, kind: kind, data: data, dedupeKey: dedupeKey)
        } catch {
            logger.error("could not store a notification", metadata: ["kind": "\(kind)", "error": "\(error)"])
        }
    }
}
