import Foundation
import SQLKit

extension Store {
    /// Creates an account; throws ``StoreError/conflict(_:)`` when the username is taken.
    public func createUser(username: String, displayName: String, passwordHash: String) async throws -> UserRecord {
        let now = Timestamp.now
        let user = UserRecord(
            id: Self.newID(), username: username.lowercased(), displayName: displayName, passwordHash: passwordHash,
            createdAt: now, updatedAt: now)
        return try await database.transaction { db in
            if try await db.select().column("id").from("users").where("username", .equal, user.username)
                .first() != nil
            {
                throw StoreError.conflict("username")
            }
            try await db.insert(into: "users").record(user).run()
            return user
        }
    }

    public func user(id: String) async throws -> UserRecord? {
        try await database.read { db in
            try await db.select().column("*").from("users").where("id", .equal, id).record(UserRecord.self)
        }
    }

    public func user(username: String) async throws -> UserRecord? {
        try await database.read { db in
            try await db.select().column("*").from("users").where("username", .equal, username.lowercased())
                .record(UserRecord.self)
        }
    }

    public func user(calendarToken: String) async throws -> UserRecord? {
        try await database.read { db in
            try await db.select().column("*").from("users").where("calendar_token", .equal, calendarToken)
                .record(UserRecord.self)
        }
    }

    /// The users with these ids, in no particular order; unknown ids are skipped.
    public func users(ids: [String]) async throws -> [UserRecord] {
        guard !ids.isEmpty else { return [] }
        let unique = Array(Set(ids))
        return try await database.read { db in
            try await db.select().column("*").from("users").where("id", .in, unique).records(UserRecord.self)
        }
    }

    /// ``users(ids:)`` keyed by id.
    public func usersById(_ ids: [String]) async throws -> [String: UserRecord] {
        Dictionary(uniqueKeysWithValues: try await users(ids: ids).map { ($0.id, $0) })
    }

    public func updateDisplayName(userId: String, displayName: String) async throws -> UserRecord {
        try await database.transaction { db in
            try await db.update("users").set("display_name", to: displayName).set("updated_at", to: Timestamp.now)
                .where("id", .equal, userId).run()
            guard let user = try await db.select().column("*").from("users").where("id", .equal, userId)
                .record(UserRecord.self)
            else { throw StoreError.notFound }
            return user
        }
    }

    /// Replaces the user's password hash and ends every other session of the
    /// account (`keepingSession` stays signed in), in one transaction.
    public func setPasswordHash(userId: String, passwordHash: String, keepingSession keep: String?) async throws {
        try await database.transaction { db in
            try await db.update("users").set("password_hash", to: passwordHash).set("updated_at", to: Timestamp.now)
                .where("id", .equal, userId).run()
            var delete = db.delete(from: "sessions").where("user_id", .equal, userId)
            if let keep { delete = delete.where("token_hash", .notEqual, keep) }
            try await delete.run()
        }
    }

    /// Sets or clears (nil) the secret of the user's calendar feed.
    public func setCalendarToken(userId: String, token: String?) async throws {
        try await database.transaction { db in
            try await db.update("users").set("calendar_token", to: token).set("updated_at", to: Timestamp.now)
                .where("id", .equal, userId).run()
        }
    }

    /// Users whose username or display name contains `query` (case-insensitive),
    /// excluding `userId` and anyone on either side of a block with them.
    public func searchUsers(query: String, for userId: String, limit: Int) async throws -> [UserRecord] {
        let pattern = likePattern(query.lowercased())
        return try await database.read { db in
            try await db.select().column("*").from("users")
                .where(SQLQueryString("(username LIKE \(bind: pattern) ESCAPE '\\' OR LOWER(display_name) LIKE \(bind: pattern) ESCAPE '\\')"))
                .where("id", .notEqual, userId)
                .where(SQLQueryString("id NOT IN (SELECT blocker_id FROM blocks WHERE blocked_id = \(bind: userId))"))
                .where(SQLQueryString("id NOT IN (SELECT blocked_id FROM blocks WHERE blocker_id = \(bind: userId))"))
                .orderBy("username")
                .limit(limit)
                .records(UserRecord.self)
        }
    }
}
