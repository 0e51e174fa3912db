import Foundation
import Logging
import NIOPosix
import Store

/// A fresh, empty, migrated database for one test: an SQLite file in a
/// temporary directory, or a new database on the PostgreSQL server named by
/// `PARLEY_TEST_POSTGRES_URL` (which `make test` starts).
public enum TestDatabase {
    public static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }

    /// Engines to run store tests on: SQLite always; PostgreSQL when a server
    /// is configured. In CI a missing server is an error, not a skip.
    public static var engines: [Database.Engine] {
        if postgresURL != nil { return [.sqlite, .postgres] }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            fatalError("PARLEY_TEST_POSTGRES_URL is not set: run the tests with `make test`")
        }
        return [.sqlite]
    }

    public static var postgresURL: String? { ProcessInfo.processInfo.environment["PARLEY_TEST_POSTGRES_URL"] }

    public static func open(_ engine: Database.Engine) async throws -> Database {
        switch engine {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parley-test-\(UUID().uuidString)")
            return try await database(url: "", sqlitePath: dir.appendingPathComponent("parley.sqlite").path)
        case .postgres:
            guard let base = postgresURL, var components = URLComponents(string: base) else {
                throw DatabaseConfigurationError(message: "no PostgreSQL server for tests")
            }
            let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let admin = try await database(url: base, sqlitePath: "", migrate: false)
            try await admin.read { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
            await admin.close()
            components.path = "/" + name
            return try await database(url: components.string!, sqlitePath: "")
        }
    }

    /// Tests open databases on NIO's shared loops and thread pool.
    static func database(url: String, sqlitePath: String, migrate: Bool = true) async throws -> Database {
        try await Database.open(url: url, sqlitePath: sqlitePath, logger: logger, migrate: migrate,
                                eventLoopGroup: MultiThreadedEventLoopGroup.singleton, threadPool: .singleton)
    }

    /// Runs `body` with a fresh store and closes it afterwards.
    public static func withStore<R>(_ engine: Database.Engine, _ body: (Store) async throws -> R) async throws -> R {
        let database = try await open(engine)
        do {
            let result = try await body(Store(database: database))
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }
}
