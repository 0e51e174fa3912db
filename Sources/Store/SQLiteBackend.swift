import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO

/// SQLite on one connection, in WAL mode, with every session serialized.
///
/// One connection is what SQLite wants for writes anyway (there is a single
/// writer), and serializing sessions makes a transaction's statements safe from
/// interleaving with another task's.
struct SQLiteBackend: Database.Backend {
    let connection: SQLiteConnection
    let lock = AsyncSerialLock()
    let logger: Logger

    var engine: Database.Engine { .sqlite }

    static func open(path: String, eventLoop: any EventLoop, threadPool: NIOThreadPool, logger: Logger) async throws -> SQLiteBackend {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let connection = try await SQLiteConnection.open(
            storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoop
        ).get()
        do {
            _ = try await connection.query("PRAGMA journal_mode = WAL")
            _ = try await connection.query("PRAGMA foreign_keys = ON")
            _ = try await connection.query("PRAGMA synchronous = NORMAL")
        } catch {
            try? await connection.close()
            throw error
        }
        return SQLiteBackend(connection: connection, logger: logger)
    }

    func withDatabase<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let db = connection.sql(queryLogLevel: .trace)
        return try await lock.withLock { try await body(db) }
    }

    func withTransaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let db = connection.sql(queryLogLevel: .trace)
        // IMMEDIATE takes the write lock up front, so a transaction never
        // fails half-way on a lock upgrade.
        return try await lock.withLock { try await db.inTransaction(begin: "BEGIN IMMEDIATE", body) }
    }

    func run() async throws {}

    func close() async {
        try? await lock.withLock { try await connection.close() }
    }
}
