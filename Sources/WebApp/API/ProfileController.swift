import Foundation
import Hummingbird
import Store

/// The signed-in user's own account and calendar feed secret.
struct ProfileController {
    let services: AppServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/api/v1/me", use: me)
        router.patch("/api/v1/me", use: updateMe)
        router.get("/api/v1/me/calendar-feed", use: feedURL)
        router.post("/api/v1/me/calendar-feed", use: rotateFeed)
        router.delete("/api/v1/me/calendar-feed", use: revokeFeed)
    }

    struct FeedBody: Encodable { @NullEncoded var url: String? }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> Response {
        try .json(UserResponse(try context.requireUser()))
    }

    @Sendable func updateMe(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Input: Decodable { var displayName: String }
        let user = try context.requireUser()
        let input = try await request.decodeJSON(Input.self, context: context)
        let name = try Validation.text(input.displayName, field: "displayName", label: "Display name", min: 1, max: 64)
        return try .json(UserResponse(try await services.store.updateDisplayName(userId: user.id, displayName: name)))
    }

    @Sendable func feedURL(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        return try .json(FeedBody(url: user.calendarToken.map(feedURL)))
    }

    /// Creates the feed secret, or replaces it (the old URL stops working).
    @Sendable func rotateFeed(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let token = SessionMiddleware.newToken()
        try await services.store.setCalendarToken(userId: user.id, token: token)
        return try .json(FeedBody(url: feedURL(token)), status: .created)
    }

    @Sendable func revokeFeed(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        try await services.store.setCalendarToken(userId: user.id, token: nil)
        return .noContent
    }

    private func feedURL(_ token: String) -> String {
        "\(services.origin)/api/v1/calendar-feeds/\(token)"
    }
}
