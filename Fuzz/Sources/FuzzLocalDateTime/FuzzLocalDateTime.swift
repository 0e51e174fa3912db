import Foundation
import FuzzSupport
import Scheduling

/// LocalDateTime(parsing:) and LocalDate(parsing:) must return a value or throw
/// SchedulingError for any text. A parsed value must print back to text that
/// parses to the same value, and resolving it in a zone must give an instant whose
/// own wall time resolves to that instant again (RFC 5545 §3.3.5: gap times move
/// later, repeated times take the earlier instant, so the result is a fixed point).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = FuzzInput.text(data, size)

    if let date = try? LocalDate(parsing: text) {
        FuzzInput.check(LocalDate.supportedYears.contains(date.year), "year \(date.year) accepted from \(text.debugDescription)")
        let again = try? LocalDate(parsing: date.description)
        FuzzInput.check(again == date, "LocalDate \(date) does not round-trip (from \(text.debugDescription))")
        _ = date.weekday
    }

    guard let time = try? LocalDateTime(parsing: text) else { return 0 }
    FuzzInput.check(LocalDate.supportedYears.contains(time.year), "year \(time.year) accepted from \(text.debugDescription)")
    let again = try? LocalDateTime(parsing: time.description)
    FuzzInput.check(again == time, "LocalDateTime \(time) does not round-trip (from \(text.debugDescription))")
    _ = time.weekday

    // Resolve in a few zones; pick them by hash so each input stays cheap.
    let hash = Int(FuzzInput.fnv1a(Array(text.utf8)))
    for k in 0..<3 {
        let zone = FuzzInput.zones[(hash &+ k * 7) % FuzzInput.zones.count]
        let instant = time.resolved(in: zone)
        let wall = LocalDateTime(instant, in: zone)
        // A gap moves the time later, never earlier; otherwise it is unchanged.
        FuzzInput.check(wall >= time, "\(time) in \(zone.identifier) resolved to \(instant), whose wall time \(wall) is earlier")
        FuzzInput.check(wall.resolved(in: zone) == instant,
                        "\(time) in \(zone.identifier) resolved to \(instant) (wall \(wall)), which resolves to \(wall.resolved(in: zone))")
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
