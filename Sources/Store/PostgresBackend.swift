import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit

/// PostgreSQL through PostgresNIO's pooled client.
struct PostgresBackend: Database.Backend {
    let client: PostgresClient
    let logger: Logger

    var engine: Database.Engine { .postgres }

    /// Accepts `postgres://user:password@host:port/database?sslmode=disable|prefer|require`
    /// and `?host=/path/to/socket/dir` for a Unix socket.
    init(url: String, eventLoopGroup: any EventLoopGroup, logger: Logger) throws {
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else {
            throw DatabaseConfigurationError(message: "the database URL must look like postgres://user:password@host:5432/database")
        }
        let user = components.percentEncodedUser?.removingPercentEncoding ?? "postgres"
        let password = components.percentEncodedPassword?.removingPercentEncoding
        var database = components.path
        if database.hasPrefix("/") { database.removeFirst() }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let tls: PostgresClient.Configuration.TLS
        switch query["sslmode"] ?? "disable" {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-full": tls = .require(.makeClientConfiguration())
        case let other:
            throw DatabaseConfigurationError(message: "sslmode '\(other)' is not supported (disable, prefer, require)")
        }
        var configuration: PostgresClient.Configuration
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            let port = components.port ?? 5432
            configuration = .init(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password,
                database: database.isEmpty ? nil : database)
        } else {
            configuration = .init(
                host: components.host ?? "127.0.0.1", port: components.port ?? 5432, username: user,
                password: password, database: database.isEmpty ? nil : database, tls: tls)
        }
        configuration.options.maximumConnections = 16
        self.client = PostgresClient(configuration: configuration, eventLoopGroup: eventLoopGroup, backgroundLogger: logger)
        self.logger = logger
    }

    func withDatabase<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        // The task group below returns only after its tasks end, so `body` does not outlive this call.
        try await withoutActuallyEscaping(body) { body in
            try await reachable { [client] in
                try await client.withConnection { connection in
                    try await body(connection.sql(queryLogLevel: .trace))
                }
            }
        }
    }

    func withTransaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await withoutActuallyEscaping(body) { body in
            try await reachable { [client] in
                try await client.withConnection { connection in
                    try await connection.sql(queryLogLevel: .trace).inTransaction(body)
                }
            }
        }
    }

    /// How long an operation may wait for a connection before the server is
    /// taken to be away. The pool keeps trying to connect in the background;
    /// a waiter past this gives up (its lease request is cancelled, so the
    /// operation never runs late).
    static let connectionWait: Duration = .seconds(5)

    /// Runs `operation`, turning "no connection" into ``DatabaseUnavailableError``:
    /// a wait for a connection past `connectionWait`, or a connection lost under it.
    private func reachable<R: Sendable>(_ operation: @escaping @Sendable () async throws -> R) async throws -> R {
        do {
            return try await withThrowingTaskGroup(of: R?.self) { group in
                group.addTask { try await operation() }
                group.addTask {
                    try await Task.sleep(for: Self.connectionWait)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let result = first else { throw DatabaseUnavailableError() }
                return result
            }
        } catch let error as PSQLError where [.connectionError, .serverClosedConnection, .clientClosedConnection].contains(error.code) {
            throw DatabaseUnavailableError()
        } catch is CancellationError where !Task.isCancelled {
            // The lease request, cancelled by the wait's end.
            throw DatabaseUnavailableError()
        }
    }

    func run() async throws {
        await client.run()
    }

    func close() async {}
}

/// The database cannot be reached now (PostgreSQL down, or the network to
/// it): a request may be tried again; meetings in progress do not depend on it.
public struct DatabaseUnavailableError: Error, CustomStringConvertible, Sendable {
    public init() {}
    public var description: String { "the database cannot be reached" }
}

/// A database URL or setting that cannot be used.
public struct DatabaseConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
