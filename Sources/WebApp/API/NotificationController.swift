import Foundation
import Hummingbird
import Store

/// The notification inbox.
struct NotificationController {
    let services: AppServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/api/v1/notifications", use: list)
        router.post("/api/v1/notifications/read-all", use: markAllRead)
        router.post("/api/v1/notifications/:id/read", use: markRead)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let unreadOnly: Bool
        switch request.uri.queryParameters["unread"].map(String.init) {
        case nil, "false": unreadOnly = false
        case "true": unreadOnly = true
        case let other?: throw APIError.badRequest("'unread' must be true or false, not '\(other.prefix(20))'.", field: "unread")
        }
        let records = try await services.store.notifications(for: user.id, unreadOnly: unreadOnly, limit: 100)
        let unread = try await services.store.unreadNotificationCount(for: user.id)
        struct Body: Encodable { var notifications: [NotificationResponse]; var unreadCount: Int }
        return try .json(Body(notifications: records.map(NotificationResponse.init), unreadCount: unread))
    }

    @Sendable func markRead(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try Validation.id(context.parameters.get("id") ?? "", what: "The notification")
        guard try await services.store.markNotificationRead(id: id, userId: user.id) else {
            throw APIError.notFound("The notification")
        }
        return .noContent
    }

    @Sendable func markAllRead(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        try await services.store.markAllNotificationsRead(userId: user.id)
        return .noContent
    }
}
