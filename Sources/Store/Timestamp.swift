import Foundation

/// Instants are stored as milliseconds since 1970 (BIGINT) so both engines
/// compare and sort them the same way.
public enum Timestamp {
    public static var now: Int { milliseconds(Date()) }
    public static func milliseconds(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1000).rounded()) }
    public static func date(_ milliseconds: Int) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
