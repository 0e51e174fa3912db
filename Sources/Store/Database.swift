import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import SQLKit

/// The connection to Parley's database: embedded SQLite by default,
/// PostgreSQL by configuration. Everything above this type writes one SQL
/// code path against `SQLDatabase`; only ``Backend`` knows which engine runs.
public final class Database: Sendable {
    /// Which engine is behind the database.
    public enum Engine: String, Sendable { case sqlite, postgres }

    /// The minimum an engine must provide: sessions for reads and transactions.
    protocol Backend: Sendable {
        var engine: Engine { get }
        func withDatabase<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R
        func withTransaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R
        func run() async throws
        func close() async
    }

    let backend: any Backend
    let logger: Logger

    public var engine: Engine { backend.engine }

    init(backend: any Backend, logger: Logger) {
        self.backend = backend
        self.logger = logger
    }

    /// Opens the database named by `url` (`postgres://…` or `postgresql://…`), or
    /// the SQLite file at `sqlitePath` when `url` is empty, and migrates it.
    ///
    /// For PostgreSQL, call ``run()`` in a long-running task (the connection pool
    /// lives there) before using the database; `open` starts it for you and
    /// ``close()`` stops it. `migrate: false` skips the schema check (for
    /// maintenance connections).
    ///
    /// Connections run on `eventLoopGroup`, and SQLite's blocking calls on
    /// `threadPool`: whoever opens the database chooses them (the server its
    /// own; tests and tools may pass NIO's shared ones).
    public static func open(
        url: String, sqlitePath: String, logger: Logger, migrate: Bool = true,
        eventLoopGroup: any EventLoopGroup, threadPool: NIOThreadPool
    ) async throws -> Database {
        let backend: any Backend
        if url.isEmpty {
            backend = try await SQLiteBackend.open(
                path: sqlitePath, eventLoop: eventLoopGroup.any(), threadPool: threadPool, logger: logger)
        } else {
            backend = try PostgresBackend(url: url, eventLoopGroup: eventLoopGroup, logger: logger)
        }
        let database = Database(backend: backend, logger: logger)
        database.startBackgroundRun()
        guard migrate else { return database }
        do {
            try await Migrator(database: database).migrate()
        } catch {
            await database.close()
            throw error
        }
        return database
    }

    private let runTask = Mutex<Task<Void, Never>?>(nil)

    private func startBackgroundRun() {
        let backend = self.backend
        let logger = self.logger
        runTask.withLock {
            $0 = Task {
                do { try await backend.run() } catch { logger.error("database pool stopped", metadata: ["error": "\(error)"]) }
            }
        }
    }

    /// Runs `body` with a database session (reads, single statements).
    public func read<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await backend.withDatabase(body)
    }

    /// Runs `body` in one transaction: all its writes land, or none do.
    public func transaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await backend.withTransaction(body)
    }

    /// Closes connections. The database must not be used afterwards.
    public func close() async {
        await backend.close()
        let task = runTask.withLock { value in
            let t = value
            value = nil
            return t
        }
        task?.cancel()
        await task?.value
    }
}

extension SQLDatabase {
    /// Runs `body` between BEGIN and COMMIT on this (single-session)
    /// database, rolling back if it throws.
    func inTransaction<R: Sendable>(
        begin: String = "BEGIN", _ body: @Sendable (any SQLDatabase) async throws -> R
    ) async throws -> R {
        try await raw(SQLQueryString(begin)).run()
        do {
            let result = try await body(self)
            try await raw("COMMIT").run()
            return result
        } catch {
            try? await raw("ROLLBACK").run()
            throw error
        }
    }
}
