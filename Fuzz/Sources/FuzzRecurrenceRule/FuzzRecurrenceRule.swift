import Foundation
import FuzzSupport
import Scheduling

/// RecurrenceRule(parsing:timeZone:) must return a rule or throw SchedulingError
/// for any text. A parsed rule's `rruleValue` must parse again (Parley reads its
/// own feeds back on import) and print the same value: writing is idempotent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = FuzzInput.text(data, size)

    // Without a zone a UTC UNTIL throws; everything else must parse exactly as it
    // does with one.
    let floating = try? RecurrenceRule(parsing: text)

    // The series start only matters for monthly rules without an explicit day;
    // two starts cover "day of month" and "n-th weekday" derivations.
    let hash = Int(FuzzInput.fnv1a(Array(text.utf8)))
    let start = hash & 1 == 0
        ? LocalDateTime(year: 2026, month: 1, day: 31, hour: 9, minute: 30)
        : LocalDateTime(year: 2026, month: 3, day: 10, hour: 0, minute: 0, second: 15)
    for k in 0..<3 {
        let zone = FuzzInput.zones[(hash &+ k * 5) % FuzzInput.zones.count]
        let rule: RecurrenceRule
        do {
            rule = try RecurrenceRule(parsing: text, timeZone: zone)
        } catch {
            FuzzInput.check(floating == nil, "\(text.debugDescription) parses without a zone but not in \(zone.identifier): \(error)")
            continue
        }
        if let floating {
            FuzzInput.check(floating == rule, "\(text.debugDescription) parses differently with zone \(zone.identifier)")
        }
        FuzzInput.check(RecurrenceRule.intervalRange.contains(rule.interval), "interval \(rule.interval) from \(text.debugDescription)")
        if case .count(let n) = rule.end {
            FuzzInput.check(RecurrenceRule.countRange.contains(n), "COUNT \(n) from \(text.debugDescription)")
        }

        let written = rule.rruleValue(start: start, zone: zone)
        let reparsed: RecurrenceRule
        do {
            reparsed = try RecurrenceRule(parsing: written, timeZone: zone)
        } catch {
            FuzzInput.check(false, "\(text.debugDescription) in \(zone.identifier) is written as \(written.debugDescription), which does not parse: \(error)")
            continue
        }
        let rewritten = reparsed.rruleValue(start: start, zone: zone)
        FuzzInput.check(rewritten == written,
                        "\(text.debugDescription) in \(zone.identifier): \(written.debugDescription) re-parses and writes as \(rewritten.debugDescription)")
    }
    return 0
}

/// The entry point; see FuzzDriver for why a fuzz target needs one.
@main
enum Main {
    static func main() {
        FuzzDriver.run { data, size in fuzz(data ?? FuzzDriver.empty, size) }
    }
}
