import Foundation
import Hummingbird
import Store

/// Finding people, friend requests, friends with presence, and blocking.
struct FriendController {
    let services: AppServices
    var store: Store { services.store }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/api/v1/users", use: search)
        router.post("/api/v1/friend-requests", use: sendRequest)
        router.get("/api/v1/friend-requests", use: listRequests)
        router.post("/api/v1/friend-requests/:id/accept", use: accept)
        router.post("/api/v1/friend-requests/:id/decline", use: decline)
        router.delete("/api/v1/friend-requests/:id", use: cancel)
        router.get("/api/v1/friends", use: listFriends)
        router.delete("/api/v1/friends/:userId", use: removeFriend)
        router.post("/api/v1/blocks", use: block)
        router.get("/api/v1/blocks", use: listBlocks)
        router.delete("/api/v1/blocks/:userId", use: unblock)
    }

    struct UserIdInput: Decodable { var userId: String }

    struct FriendRequestResponse: Encodable {
        var id: String
        var from: UserSummary
        var to: UserSummary
        var status: String
        var createdAt: String
    }

    struct SearchResult: Encodable {
        var id: String
        var username: String
        var displayName: String
        var relationship: String
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = String(request.uri.queryParameters["q"] ?? "").trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(query.count) else {
            throw APIError.badRequest("Type 1 to 64 characters to search for people.", field: "q")
        }
        let found = try await store.searchUsers(query: query, for: user.id, limit: 25)
        let friends = Set(try await store.friendIds(of: user.id))
        let pending = try await store.pendingFriendRequests(for: user.id)
        let outgoing = Set(pending.outgoing.map(\.toId))
        let incoming = Set(pending.incoming.map(\.fromId))
        let results = found.map { u in
            SearchResult(
                id: u.id, username: u.username, displayName: u.displayName,
                relationship: friends.contains(u.id)
                    ? "friend" : outgoing.contains(u.id) ? "outgoing_request" : incoming.contains(u.id) ? "incoming_request" : "none")
        }
        struct Body: Encodable { var users: [SearchResult] }
        return try .json(Body(users: results))
    }

    @Sendable func sendRequest(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let input = try await request.decodeJSON(UserIdInput.self, context: context)
        let other = try await otherUser(input.userId, me: user, field: "userId")
        if try await store.areFriends(user.id, other.id) {
            throw APIError(.conflict, "already_friends", "You and \(other.displayName) are already friends.")
        }
        // They asked first: sending a request back means yes.
        if let theirs = try await store.pendingFriendRequest(from: other.id, to: user.id) {
            let accepted = try await store.resolveFriendRequest(id: theirs.id, status: FriendRequestRecord.accepted)
            await announceAcceptance(by: user, to: other.id)
            return try .json(try await render(accepted))
        }
        if try await store.pendingFriendRequest(from: user.id, to: other.id) != nil {
            throw APIError(.conflict, "request_pending", "You already asked \(other.displayName); wait for their answer.")
        }
        let created = try await store.createFriendRequest(from: user.id, to: other.id)
        struct Notice: Encodable { var requestId: String; var from: UserSummary }
        await services.notifier.notifyQuietly(
            userId: other.id, kind: "friend_request", data: Notice(requestId: created.id, from: UserSummary(user)))
        return try .json(try await render(created), status: .created)
    }

    @Sendable func listRequests(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let pending = try await store.pendingFriendRequests(for: user.id)
        struct Body: Encodable { var incoming: [FriendRequestResponse]; var outgoing: [FriendRequestResponse] }
        let people = try await people(for: pending.incoming + pending.outgoing)
        return try .json(
            Body(
                incoming: pending.incoming.compactMap { render($0, people) },
                outgoing: pending.outgoing.compactMap { render($0, people) }))
    }

    @Sendable func accept(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let pending = try await pendingRequest(context, addressedTo: user)
        let accepted = try await store.resolveFriendRequest(id: pending.id, status: FriendRequestRecord.accepted)
        await announceAcceptance(by: user, to: pending.fromId)
        return try .json(try await render(accepted))
    }

    @Sendable func decline(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let pending = try await pendingRequest(context, addressedTo: user)
        // Declining is quiet: the sender is not told (as in most social products).
        return try .json(try await render(try await store.resolveFriendRequest(id: pending.id, status: FriendRequestRecord.declined)))
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try Validation.id(context.parameters.get("id") ?? "", what: "The friend request")
        guard let pending = try await store.friendRequest(id: id), pending.fromId == user.id || pending.toId == user.id else {
            throw APIError.notFound("The friend request")
        }
        guard pending.fromId == user.id else {
            throw APIError.forbidden("Only the person who sent a request can cancel it; you can decline it.")
        }
        guard pending.status == FriendRequestRecord.pending else {
            throw APIError(.conflict, "not_pending", "This request was already \(pending.status.rawValue).")
        }
        _ = try await store.resolveFriendRequest(id: id, status: FriendRequestRecord.cancelled)
        return .noContent
    }

    @Sendable func listFriends(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        struct Friend: Encodable { var user: UserSummary; var presence: Presence; var since: String }
        var friends: [Friend] = []
        for (friend, since) in try await store.friends(of: user.id) {
            friends.append(
                Friend(user: UserSummary(friend), presence: await services.hub.presence(of: friend.id), since: Instant.string(since)))
        }
        struct Body: Encodable { var friends: [Friend] }
        return try .json(Body(friends: friends))
    }

    @Sendable func removeFriend(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try Validation.id(context.parameters.get("userId") ?? "", what: "The friend")
        guard try await store.removeFriendship(user.id, id) else { throw APIError.notFound("The friend") }
        return .noContent
    }

    @Sendable func block(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let input = try await request.decodeJSON(UserIdInput.self, context: context)
        let id = try Validation.id(input.userId, what: "The person")
        guard id != user.id else { throw APIError.validation("userId", "You cannot block yourself.") }
        guard let other = try await store.user(id: id) else { throw APIError.notFound("The person") }
        try await store.block(blocker: user.id, blocked: other.id)
        struct Body: Encodable { var user: UserSummary }
        return try .json(Body(user: UserSummary(other)), status: .created)
    }

    @Sendable func listBlocks(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        struct Body: Encodable { var users: [UserSummary] }
        return try .json(Body(users: try await store.blockedUsers(by: user.id).map(UserSummary.init)))
    }

    @Sendable func unblock(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try Validation.id(context.parameters.get("userId") ?? "", what: "The person")
        guard try await store.unblock(blocker: user.id, blocked: id) else {
            // A block you never made is not there to remove (the API document's 404).
            throw APIError.notFound("The block")
        }
        return .noContent
    }

    // MARK: Helpers

    /// Another user the caller may interact with: exists, is not the caller,
    /// and no block stands between them (a blocked user sees 404, as if the
    /// person did not exist).
    private func otherUser(_ rawId: String, me: UserRecord, field: String) async throws -> UserRecord {
        let id = try Validation.id(rawId, what: "The person")
        guard id != me.id else { throw APIError.validation(field, "You cannot send a friend request to yourself.") }
        guard let other = try await store.user(id: id), try await !store.isBlocked(between: me.id, and: id) else {
            throw APIError.notFound("The person")
        }
        return other
    }

    private func pendingRequest(_ context: AppRequestContext, addressedTo user: UserRecord) async throws -> FriendRequestRecord {
        let id = try Validation.id(context.parameters.get("id") ?? "", what: "The friend request")
        guard let pending = try await store.friendRequest(id: id), pending.toId == user.id || pending.fromId == user.id else {
            throw APIError.notFound("The friend request")
        }
        guard pending.toId == user.id else {
            throw APIError.forbidden("Only the person a request was sent to can answer it.")
        }
        guard pending.status == FriendRequestRecord.pending else {
            throw APIError(.conflict, "not_pending", "This request was already \(pending.status.rawValue).")
        }
        return pending
    }

    private func announceAcceptance(by user: UserRecord, to requesterId: String) async {
        struct Notice: Encodable { var user: UserSummary }
        await services.notifier.notifyQuietly(userId: requesterId, kind: "friend_accepted", data: Notice(user: UserSummary(user)))
        // Each now sees the other's presence without reloading.
        await services.hub.send(LiveMessage.presence(userId: user.id, presence: await services.hub.presence(of: user.id)), to: requesterId)
        await services.hub.send(LiveMessage.presence(userId: requesterId, presence: await services.hub.presence(of: requesterId)), to: user.id)
    }

    private func people(for requests: [FriendRequestRecord]) async throws -> [String: UserRecord] {
        try await store.usersById(requests.flatMap { [$0.fromId, $0.toId] })
    }

    private func render(_ request: FriendRequestRecord, _ people: [String: UserRecord]) -> FriendRequestResponse? {
        guard let from = people[request.fromId], let to = people[request.toId] else { return nil }
        return FriendRequestResponse(
            id: request.id, from: UserSummary(from), to: UserSummary(to), status: request.status.rawValue,
            createdAt: Instant.string(request.createdAt))
    }

    private func render(_ request: FriendRequestRecord) async throws -> FriendRequestResponse {
        guard let r = render(request, try await people(for: [request])) else { throw APIError.notFound("The friend request") }
        return r
    }
}
