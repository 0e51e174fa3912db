import SQLKit

extension Store {
    /// A server-wide secret (e.g. the key that signs join tokens), created on
    /// first use and shared by every node that uses this database.
    public func secret(named name: String, create: @escaping @Sendable () -> String) async throws -> String {
        struct Row: Decodable { var value: String }
        return try await database.transaction { db in
            if let row = try await db.select().column("value").from("server_secrets").where("name", .equal, name)
                .first(decoding: Row.self)
            {
                return row.value
            }
            let value = create()
            try await db.insert(into: "server_secrets").columns("name", "value").values(SQLBind(name), SQLBind(value))
                .ignoringConflicts(with: ["name"]).run()
            // Another node may have won the race; its value is the one to use.
            return try await db.select().column("value").from("server_secrets").where("name", .equal, name)
                .first(decoding: Row.self)?.value ?? value
        }
    }
}
