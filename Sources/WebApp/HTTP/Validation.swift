import Foundation
import Meetings
import Scheduling

/// Input checks shared by the API handlers. Each throws a 422 naming the field.
enum Validation {
    /// Trims surrounding white space and checks length and content: no
    /// control characters except newlines and tabs where `multiline` allows.
    static func text(
        _ value: String, field: String, label: String, min: Int = 0, max: Int, multiline: Bool = false
    ) throws -> String {
        do {
            return try FieldRules.text(value, field: field, label: label, min: min, max: max, multiline: multiline)
        } catch {
            throw APIError(error)
        }
    }

    static func int(_ value: Int, field: String, label: String, range: ClosedRange<Int>) throws -> Int {
        do {
            return try FieldRules.int(value, field: field, label: label, range: range)
        } catch {
            throw APIError(error)
        }
    }

    /// A resource id in a path or body: our ids are lowercase UUIDs.
    static func id(_ value: String, what: String) throws -> String {
        let lower = value.lowercased()
        guard lower.count == 36, UUID(uuidString: lower) != nil else { throw APIError.notFound(what) }
        return lower
    }
}

/// Instants on the wire are RFC 3339 UTC with second precision.
enum Instant {
    static func string(_ milliseconds: Int) -> String { string(Date(timeIntervalSince1970: Double(milliseconds) / 1000)) }

    /// `YYYY-MM-DDTHH:MM:SSZ`, by integer arithmetic: Foundation's ISO 8601
    /// format style costs microseconds per call, and an agenda has hundreds.
    static func string(_ date: Date) -> String {
        let t = LocalDateTime(utc: date)
        var bytes = [UInt8]()
        bytes.reserveCapacity(20)
        func put(_ value: Int, width: Int) {
            var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
            var v = value
            for i in stride(from: width - 1, through: 0, by: -1) {
                digits[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            bytes += digits
        }
        put(t.year, width: 4); bytes.append(UInt8(ascii: "-"))
        put(t.month, width: 2); bytes.append(UInt8(ascii: "-"))
        put(t.day, width: 2); bytes.append(UInt8(ascii: "T"))
        put(t.hour, width: 2); bytes.append(UInt8(ascii: ":"))
        put(t.minute, width: 2); bytes.append(UInt8(ascii: ":"))
        put(t.second, width: 2); bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses `2026-12-01T08:00:00Z`, with or without fractional seconds, or with an offset.
    static func parse(_ text: String) -> Date? {
        guard text.count <= 40 else { return nil }
        if let d = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: false)) { return d }
        if let d = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return d }
        return nil
    }
}
