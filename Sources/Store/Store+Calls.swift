import SQLKit

extension Store {
    public func createCall(_ call: CallRecord) async throws {
        try await database.transaction { db in
            try await db.insert(into: "calls").record(call).run()
        }
    }

    public func call(id: String) async throws -> CallRecord? {
        try await database.read { db in
            try await db.select().column("*").from("calls").where("id", .equal, id).record(CallRecord.self)
        }
    }

    /// Moves a ringing call to `status`; nil when it is no longer ringing.
    public func resolveCall(id: String, status: CallStatus) async throws -> CallRecord? {
        try await database.transaction { db in
            guard
                var call = try await db.select().column("*").from("calls").where("id", .equal, id)
                    .record(CallRecord.self), call.status == CallRecord.ringing
            else { return nil }
            call.status = status
            call.updatedAt = Timestamp.now
            try await db.update("calls").set("status", to: status).set("updated_at", to: call.updatedAt)
                .where("id", .equal, id).run()
            return call
        }
    }
}
