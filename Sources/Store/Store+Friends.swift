import SQLKit

extension Store {
    public func friendRequest(id: String) async throws -> FriendRequestRecord? {
        try await database.read { db in
            try await db.select().column("*").from("friend_requests").where("id", .equal, id)
                .record(FriendRequestRecord.self)
        }
    }

    /// The pending request from one user to another, if any.
    public func pendingFriendRequest(from: String, to: String) async throws -> FriendRequestRecord? {
        try await database.read { db in
            try await db.select().column("*").from("friend_requests").where("from_id", .equal, from)
                .where("to_id", .equal, to).where("status", .equal, FriendRequestRecord.pending)
                .record(FriendRequestRecord.self)
        }
    }

    public func createFriendRequest(from: String, to: String) async throws -> FriendRequestRecord {
        let request = FriendRequestRecord(
            id: Self.newID(), fromId: from, toId: to, status: FriendRequestRecord.pending, createdAt: Timestamp.now)
        try await database.transaction { db in
            try await db.insert(into: "friend_requests").record(request).run()
        }
        return request
    }

    /// Moves a pending request to `status`; accepting also records the
    /// friendship both ways, in the same transaction.
    public func resolveFriendRequest(id: String, status: FriendRequestStatus) async throws -> FriendRequestRecord {
        try await database.transaction { db in
            guard
                var request = try await db.select().column("*").from("friend_requests").where("id", .equal, id)
                    .record(FriendRequestRecord.self), request.status == FriendRequestRecord.pending
            else { throw StoreError.notFound }
            let now = Timestamp.now
            request.status = status
            request.respondedAt = now
            try await db.update("friend_requests").set("status", to: status).set("responded_at", to: now)
                .where("id", .equal, id).run()
            if status == FriendRequestRecord.accepted {
                try await Self.insertFriendship(db, request.fromId, request.toId, since: now)
            }
            return request
        }
    }

    static func insertFriendship(_ db: any SQLDatabase, _ a: String, _ b: String, since: Int) async throws {
        for (user, friend) in [(a, b), (b, a)] {
            try await db.insert(into: "friendships").columns("user_id", "friend_id", "since")
                .values(SQLBind(user), SQLBind(friend), SQLBind(since))
                .ignoringConflicts(with: ["user_id", "friend_id"])
                .run()
        }
    }

    /// Pending requests sent to (incoming) or by (outgoing) a user, newest first.
    public func pendingFriendRequests(for userId: String) async throws -> (
        incoming: [FriendRequestRecord], outgoing: [FriendRequestRecord]
    ) {
        let rows = try await database.read { db in
            try await db.select().column("*").from("friend_requests")
                .where("status", .equal, FriendRequestRecord.pending)
                .where { $0.where("to_id", .equal, userId).orWhere("from_id", .equal, userId) }
                .orderBy("created_at", .descending)
                .records(FriendRequestRecord.self)
        }
        return (rows.filter { $0.toId == userId }, rows.filter { $0.fromId == userId })
    }

    /// A user's friends with the instant (ms) each friendship began.
    public func friends(of userId: String) async throws -> [(user: UserRecord, since: Int)] {
        struct Row: Decodable { var friendId: String; var since: Int }
        let rows = try await database.read { db in
            try await db.select().columns("friend_id", "since").from("friendships").where("user_id", .equal, userId)
                .records(Row.self)
        }
        let users = try await usersById(rows.map(\.friendId))
        return rows.compactMap { row in users[row.friendId].map { ($0, row.since) } }
            .sorted { $0.user.displayName.lowercased() < $1.user.displayName.lowercased() }
    }

    public func friendIds(of userId: String) async throws -> [String] {
        struct Row: Decodable { var friendId: String }
        return try await database.read { db in
            try await db.select().column("friend_id").from("friendships").where("user_id", .equal, userId)
                .records(Row.self).map(\.friendId)
        }
    }

    public func areFriends(_ a: String, _ b: String) async throws -> Bool {
        try await database.read { db in
            try await db.select().column("since").from("friendships").where("user_id", .equal, a)
                .where("friend_id", .equal, b).first() != nil
        }
    }

    /// Ends a friendship both ways. Returns whether there was one.
    @discardableResult
    public func removeFriendship(_ a: String, _ b: String) async throws -> Bool {
        try await database.transaction { db in
            let existed = try await db.select().column("since").from("friendships").where("user_id", .equal, a)
                .where("friend_id", .equal, b).first() != nil
            try await Self.deleteFriendship(db, a, b)
            return existed
        }
    }

    static func deleteFriendship(_ db: any SQLDatabase, _ a: String, _ b: String) async throws {
        try await db.delete(from: "friendships")
            .where { $0.where("user_id", .equal, a).where("friend_id", .equal, b) }
            .orWhere { $0.where("user_id", .equal, b).where("friend_id", .equal, a) }
            .run()
    }

    /// Blocks `blocked` for `blocker`: ends their friendship, cancels pending
    /// requests either way, and removes each from the other's upcoming invitations.
    public func block(blocker: String, blocked: String) async throws {
        try await database.transaction { db in
            let now = Timestamp.now
            try await db.insert(into: "blocks").columns("blocker_id", "blocked_id", "created_at")
                .values(SQLBind(blocker), SQLBind(blocked), SQLBind(now))
                .ignoringConflicts(with: ["blocker_id", "blocked_id"])
                .run()
            try await Self.deleteFriendship(db, blocker, blocked)
            try await db.update("friend_requests").set("status", to: FriendRequestRecord.cancelled)
                .set("responded_at", to: now)
                .where("status", .equal, FriendRequestRecord.pending)
                .where { group in
                    group.where { $0.where("from_id", .equal, blocker).where("to_id", .equal, blocked) }
                        .orWhere { $0.where("from_id", .equal, blocked).where("to_id", .equal, blocker) }
                }
                .run()
            // The blocked person no longer sits in the blocker's meetings, nor the blocker in theirs.
            for (host, guest) in [(blocker, blocked), (blocked, blocker)] {
                try await db.delete(from: "meeting_invitees").where("user_id", .equal, guest)
                    .where(SQLQueryString("meeting_id IN (SELECT id FROM meetings WHERE host_id = \(bind: host))"))
                    .run()
            }
        }
    }

    /// Lifts `blocker`'s block of `blocked`. Returns whether there was one
    /// (the API answers 404 for a block you never made).
    @discardableResult
    public func unblock(blocker: String, blocked: String) async throws -> Bool {
        try await database.transaction { db in
            let existed = try await db.select().column("created_at").from("blocks")
                .where("blocker_id", .equal, blocker).where("blocked_id", .equal, blocked)
                .first() != nil
            guard existed else { return false }
            try await db.delete(from: "blocks").where("blocker_id", .equal, blocker).where("blocked_id", .equal, blocked)
                .run()
            return true
        }
    }

    public func blockedUsers(by blocker: String) async throws -> [UserRecord] {
        struct Row: Decodable { var blockedId: String }
        let ids = try await database.read { db in
            try await db.select().column("blocked_id").from("blocks").where("blocker_id", .equal, blocker)
                .records(Row.self).map(\.blockedId)
        }
        return try await users(ids: ids).sorted { $0.username < $1.username }
    }

    /// Whether either user has blocked the other.
    public func isBlocked(between a: String, and b: String) async throws -> Bool {
        try await database.read { db in
            try await db.select().column("created_at").from("blocks")
                .where { $0.where("blocker_id", .equal, a).where("blocked_id", .equal, b) }
                .orWhere { $0.where("blocker_id", .equal, b).where("blocked_id", .equal, a) }
                .first() != nil
        }
    }
}
