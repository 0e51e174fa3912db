import SQLKit

extension Store {
    public func createSession(_ session: SessionRecord) async throws {
        try await database.transaction { db in
            try await db.insert(into: "sessions").record(session).run()
        }
    }

    /// The user of a live session, or nil when the session is unknown or expired.
    public func sessionUser(tokenHash: String, now: Int = Timestamp.now) async throws -> UserRecord? {
        try await database.read { db in
            try await db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("users"))).from("sessions")
                .join("users", on: SQLColumn("user_id", table: "sessions"), .equal, SQLColumn("id", table: "users"))
                .where(SQLColumn("token_hash", table: "sessions"), .equal, SQLBind(tokenHash))
                .where(SQLColumn("expires_at", table: "sessions"), .greaterThan, SQLBind(now))
                .record(UserRecord.self)
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await database.transaction { db in
            try await db.delete(from: "sessions").where("token_hash", .equal, tokenHash).run()
        }
    }

    /// Removes expired sessions; returns nothing, it is housekeeping.
    public func purgeExpiredSessions(now: Int = Timestamp.now) async throws {
        try await database.transaction { db in
            try await db.delete(from: "sessions").where("expires_at", .lessThanOrEqual, now).run()
        }
    }
}
