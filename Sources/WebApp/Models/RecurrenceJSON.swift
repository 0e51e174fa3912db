import Foundation
import Scheduling

/// The API's spelling of a recurrence rule (RFC 5545 RRULE underneath).
struct RecurrenceJSON: Codable, Sendable, Equatable {
    var frequency: String
    var interval: Int?
    var byWeekday: [String]?
    var monthlyBy: String?
    var count: Int?
    var until: String?
    /// Output only: the RRULE value as written into calendars.
    var rrule: String?

    /// Validates and converts to the scheduling model.
    func rule() throws -> RecurrenceRule {
        let frequency: RecurrenceRule.Frequency
        switch self.frequency {
        case "daily": frequency = .daily
        case "weekly": frequency = .weekly
        case "monthly": frequency = .monthly
        default:
            throw APIError.validation("recurrence.frequency", "Repeat must be daily, weekly or monthly.")
        }
        let interval = try Validation.int(
            self.interval ?? 1, field: "recurrence.interval", label: "The repeat interval", range: 1...99)
        var weekdays: [Weekday] = []
        if let byWeekday {
            guard frequency == .weekly || byWeekday.isEmpty else {
                throw APIError.validation("recurrence.byWeekday", "Weekdays can only be chosen for a weekly meeting.")
            }
            guard byWeekday.count <= 7 else {
                throw APIError.validation("recurrence.byWeekday", "Choose each weekday at most once.")
            }
            for day in byWeekday {
                guard let weekday = Weekday(rawValue: day.uppercased()) else {
                    throw APIError.validation("recurrence.byWeekday", "'\(day)' is not a weekday (MO, TU, WE, TH, FR, SA, SU).")
                }
                if !weekdays.contains(weekday) { weekdays.append(weekday) }
            }
        }
        let monthlyBy: RecurrenceRule.MonthlyBy
        switch self.monthlyBy ?? "dayOfMonth" {
        case "dayOfMonth": monthlyBy = .dayOfMonth
        case "weekdayOfMonth": monthlyBy = .weekdayOfMonth
        default:
            throw APIError.validation("recurrence.monthlyBy", "Monthly meetings repeat by dayOfMonth or weekdayOfMonth.")
        }
        let end: RecurrenceRule.End
        switch (count, until) {
        case (nil, nil): end = .never
        case (let count?, nil):
            end = .count(try Validation.int(count, field: "recurrence.count", label: "The number of occurrences", range: 1...1000))
        case (nil, let until?):
            do {
                end = .until(try LocalDate(parsing: until))
            } catch {
                throw APIError.validation("recurrence.until", "The end date must be a date like 2027-01-31.")
            }
        case (.some, .some):
            throw APIError.validation("recurrence.count", "End the series after a number of occurrences or on a date, not both.")
        }
        return RecurrenceRule(frequency: frequency, interval: interval, byWeekday: weekdays, monthlyBy: monthlyBy, end: end)
    }

    init(rule: RecurrenceRule, rrule: String) {
        switch rule.frequency {
        case .daily: frequency = "daily"
        case .weekly: frequency = "weekly"
        case .monthly: frequency = "monthly"
        }
        interval = rule.interval
        byWeekday = rule.frequency == .weekly ? rule.byWeekday.map(\.rawValue) : nil
        monthlyBy = rule.frequency == .monthly ? rule.monthlyBy.rawValue : nil
        switch rule.end {
        case .never: break
        case .count(let n): count = n
        case .until(let date): until = date.description
        }
        self.rrule = rrule
    }
}
