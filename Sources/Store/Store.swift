import Foundation
import SQLKit

/// Parley's persistent data: accounts, sessions, meetings and their
/// schedules, friends, notifications and calls. Each group of operations
/// lives in a `Store+Group.swift` extension; all of them run the same SQL on
/// SQLite and PostgreSQL.
public struct Store: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    static func newID() -> String { UUID().uuidString.lowercased() }
}

/// A store operation that could not be done as asked.
public enum StoreError: Error, Equatable, Sendable {
    /// A unique value (username, meeting code) is taken.
    case conflict(String)
    /// The row to change does not exist.
    case notFound
}

extension SQLQueryFetcher {
    /// Decodes rows whose snake_case columns match a record's camelCase properties.
    func records<D: Decodable>(_ type: D.Type) async throws -> [D] {
        try await all(decoding: type, keyDecodingStrategy: .convertFromSnakeCase)
    }

    func record<D: Decodable>(_ type: D.Type) async throws -> D? {
        try await first(decoding: type, keyDecodingStrategy: .convertFromSnakeCase)
    }
}

extension SQLInsertBuilder {
    func record<E: Encodable>(_ value: E) throws -> Self {
        try model(value, keyEncodingStrategy: .convertToSnakeCase, nilEncodingStrategy: .asNil)
    }
}

/// `LIKE` pattern for a substring match with `%`, `_` and `\` taken literally.
func likePattern(_ text: String) -> String {
    var escaped = ""
    for character in text {
        if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
        escaped.append(character)
    }
    return "%" + escaped + "%"
}
