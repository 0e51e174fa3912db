import SQLKit

extension Store {
    /// Stores a notification. With a `dedupeKey` that was used before, nothing
    /// is stored and the result is false.
    @discardableResult
    public func addNotification(_ notification: NotificationRecord) async throws -> Bool {
        try await database.transaction { db in
            if let key = notification.dedupeKey,
                try await db.select().column("id").from("notifications").where("dedupe_key", .equal, key).first() != nil
            {
                return false
            }
            try await db.insert(into: "notifications").record(notification).run()
            return true
        }
    }

    public func notifications(for userId: String, unreadOnly: Bool, limit: Int) async throws -> [NotificationRecord] {
        try await database.read { db in
            var query = db.select().column("*").from("notifications").where("user_id", .equal, userId)
            if unreadOnly { query = query.where("read_at", .is, SQLLiteral.null) }
            return try await query.orderBy("created_at", .descending).limit(limit).records(NotificationRecord.self)
        }
    }

    public func unreadNotificationCount(for userId: String) async throws -> Int {
        struct Row: Decodable { var count: Int }
        return try await database.read { db in
            try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count").from("notifications")
                .where("user_id", .equal, userId).where("read_at", .is, SQLLiteral.null)
                .first(decoding: Row.self)?.count ?? 0
        }
    }

    /// Marks one of the user's notifications read; false when it is not theirs or unknown.
    public func markNotificationRead(id: String, userId: String) async throws -> Bool {
        try await database.transaction { db in
            guard
                try await db.select().column("id").from("notifications").where("id", .equal, id)
                    .where("user_id", .equal, userId).first() != nil
            else { return false }
            try await db.update("notifications").set("read_at", to: Timestamp.now).where("id", .equal, id)
                .where("read_at", .is, SQLLiteral.null).run()
            return true
        }
    }

    public func markAllNotificationsRead(userId: String) async throws {
        try await database.transaction { db in
            try await db.update("notifications").set("read_at", to: Timestamp.now).where("user_id", .equal, userId)
                .where("read_at", .is, SQLLiteral.null).run()
        }
    }
}
