import Foundation
import FuzzSupport
import Scheduling

/// ICalendarWriter.calendar must produce RFC 5545 content for any text a user can
/// type into a meeting: physical lines of at most 75 octets, each valid UTF-8 on
/// its own (folds never split a character), CRLF only, every unfolded line a
/// well-formed content line (RFC 5545 §3.1), and TEXT values that unescape back to
/// what was typed (RFC 5545 §3.3.11; line breaks become "\n", other control
/// characters are dropped).
///
/// Input layout: 12 control bytes (zone, rule, start, duration, flags; missing
/// bytes read as 0), then text fields separated by 0xFF, a byte that never occurs
/// in UTF-8: title, description, location, url, organizer name, organizer email,
/// attendee name, attendee email, uid, calendar name, override title.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    let control = (0..<12).map { $0 < bytes.count ? Int(bytes[$0]) : 0 }
    let fields = bytes.dropFirst(12).split(separator: 0xFF, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    func field(_ i: Int) -> String? { i < fields.count ? fields[i] : nil }

    guard let (series, overrideTitles) = makeSeries(control, overrideTitle: field(10)) else {
        FuzzInput.log("control bytes \(control) make a series that validate() rejects")
        return 0
    }
    let title = field(0) ?? ""
    let description = field(1) ?? ""
    let flags = control[9]
    let organizer = flags & 4 != 0 ? CalendarPerson(name: field(4) ?? "", email: field(5)) : nil
    let attendees = flags & 8 != 0 ? [CalendarPerson(name: field(6) ?? "", email: field(7)), CalendarPerson(name: "No Mail")] : []
    let created = Date(timeIntervalSince1970: 1_700_000_000 + Double(Int8(truncatingIfNeeded: control[10])) * 86_400 * 30)
    let event = CalendarEvent(
        uid: field(8) ?? "4f7c2a9e-0000-4000-8000-000000000001@parley",
        series: series,
        title: title,
        description: description,
        url: field(3),
        location: field(2),
        organizer: organizer,
        attendees: attendees,
        sequence: Int(Int8(truncatingIfNeeded: control[11])),
        createdAt: created,
        updatedAt: created.addingTimeInterval(3600),
        isCancelled: flags & 1 != 0
    )
    let name = flags & 16 != 0 ? field(9) : nil
    let ics = ICalendarWriter.calendar(name: name, events: [event], now: Date(timeIntervalSince1970: 1_770_200_000))

    FuzzInput.log("fields: \(fields.map(\.debugDescription))\n\(ics)")

    let lines = contentLines(of: ics)
    var stack: [String] = []
    var summaries: [String] = []
    var descriptions: [String] = []
    var eventCount = 0
    for line in lines {
        switch line.name {
        case "BEGIN":
            stack.append(line.value)
            if line.value == "VEVENT" { eventCount += 1 }
        case "END":
            FuzzInput.check(stack.popLast() == line.value, "END:\(line.value) does not close \(stack)")
        case "SUMMARY":
            summaries.append(unescape(line.value))
        case "DESCRIPTION":
            descriptions.append(unescape(line.value))
        case "LOCATION":
            FuzzInput.check(FuzzInput.scalars(unescape(line.value)) == FuzzInput.scalars(expectedText(field(2) ?? "")),
                            "LOCATION \(line.value.debugDescription) from \((field(2) ?? "").debugDescription)")
        case "X-WR-CALNAME":
            FuzzInput.check(FuzzInput.scalars(unescape(line.value)) == FuzzInput.scalars(expectedText(name ?? "")),
                            "X-WR-CALNAME \(line.value.debugDescription) from \((name ?? "").debugDescription)")
        case "UID":
            FuzzInput.check(FuzzInput.scalars(unescape(line.value)) == FuzzInput.scalars(expectedText(event.uid)),
                            "UID \(line.value.debugDescription) from \(event.uid.debugDescription)")
        default:
            break
        }
    }
    FuzzInput.check(stack.isEmpty, "unclosed components \(stack)")
    FuzzInput.check(lines.first.map { "\($0.name):\($0.value)" } == "BEGIN:VCALENDAR", "does not start with BEGIN:VCALENDAR")

    let expectedSummaries = [title] + overrideTitles.map { $0 ?? title }
    FuzzInput.check(summaries.map(FuzzInput.scalars) == expectedSummaries.map { FuzzInput.scalars(expectedText($0)) },
                    "SUMMARY \(summaries.map(\.debugDescription)) from \(expectedSummaries.map(\.debugDescription))")
    FuzzInput.check(eventCount == expectedSummaries.count, "\(eventCount) VEVENTs for \(expectedSummaries.count) titles")
    if description.isEmpty {
        FuzzInput.check(descriptions.isEmpty, "DESCRIPTION written for an empty description")
    } else {
        FuzzInput.check(descriptions.count == eventCount, "\(descriptions.count) DESCRIPTIONs for \(eventCount) VEVENTs")
        for text in descriptions {
            FuzzInput.check(FuzzInput.scalars(text) == FuzzInput.scalars(expectedText(description)),
                            "DESCRIPTION \(text.debugDescription) from \(description.debugDescription)")
        }
    }
    return 0
}

/// A valid series from the control bytes (nil if validate() rejects it, as the
/// server would), plus the titles of the override VEVENTs it will produce (nil:
/// the master's title).
func makeSeries(_ c: [Int], overrideTitle: String?) -> (MeetingSeries, [String?])? {
    let zone = FuzzInput.zones[c[0] % FuzzInput.zones.count]
    let epoch = LocalDate(year: 2020, month: 1, day: 1)
    let startDay = (c[2] << 8 | c[3]) % 4000 // about 11 years from 2020
    let date = LocalDate(daysAfter: startDay, from: epoch)
    let start = LocalDateTime(date, hour: c[4] % 24, minute: c[5] % 60)
    let duration = min(1 + c[6] * 45, MeetingSeries.maximumDurationMinutes)

    var rule: RecurrenceRule?
    switch c[1] % 5 {
    case 1: rule = RecurrenceRule(frequency: .daily)
    case 2:
        var days = Weekday.allCases.enumerated().filter { c[8] & (1 << $0.offset) != 0 }.map(\.element)
        if !days.isEmpty, !days.contains(start.weekday) { days.append(start.weekday) }
        rule = RecurrenceRule(frequency: .weekly, byWeekday: days)
    case 3: rule = RecurrenceRule(frequency: .monthly, monthlyBy: .dayOfMonth)
    case 4: rule = RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth)
    default: rule = nil
    }
    if var r = rule {
        r.interval = 1 + (c[7] >> 5) % 3
        switch (c[1] / 5) % 3 {
        case 1: r.end = .count(1 + c[7] % 40)
        case 2: r.end = .until(LocalDate(daysAfter: startDay + (c[7] % 64) * 9, from: epoch))
        default: r.end = .never
        }
        rule = r
    }
    var series = MeetingSeries(start: start, timeZone: zone, durationMinutes: duration, rule: rule)
    do {
        try series.validate()
    } catch {
        FuzzInput.log("series \(series) rejected: \(error)")
        return nil
    }
    guard rule != nil else { return (series, []) }

    // Retitle the second slot and cancel the third: RECURRENCE-ID and EXDATE.
    let from = start.resolved(in: zone)
    let slots = series.slots(from: from, to: from.addingTimeInterval(86_400 * 800))
    // The override VEVENTs in slot order: their own title, or nil for the master's.
    var titles: [String?] = []
    if c[9] & 2 != 0, slots.count > 1, let overrideTitle {
        series.overrides[slots[1]] = OccurrenceOverride(title: overrideTitle)
        titles.append(overrideTitle)
    }
    if c[9] & 32 != 0, slots.count > 2 {
        series.overrides[slots[2]] = OccurrenceOverride(isCancelled: true)
    }
    if c[9] & 64 != 0, slots.count > 3 {
        // Moved into the next day, lengthened: DTEND or DURATION across a change.
        let moved = LocalDateTime(slots[3].addingTimeInterval(86_400 + 1800), in: zone)
        series.overrides[slots[3]] = OccurrenceOverride(start: moved, durationMinutes: 1 + c[6] * 7)
        // A moved slot is another VEVENT, titled like the master.
        titles.append(nil)
    }
    return (series, titles)
}

extension LocalDate {
    /// `offset` days after `base`, through public API only.
    init(daysAfter offset: Int, from base: LocalDate) {
        let noon = LocalDateTime(base, hour: 12).resolved(in: TimeZone(identifier: "UTC")!)
        let day = LocalDateTime(noon.addingTimeInterval(Double(offset) * 86_400), in: TimeZone(identifier: "UTC")!)
        self = day.date
    }
}

/// One unfolded content line: `name *(";" param) ":" value`.
struct ContentLine {
    var name: String
    var parameters: [(String, [String])]
    var value: String
}

/// Checks the physical layout and splits the output into content lines, checking
/// each against the RFC 5545 §3.1 grammar.
func contentLines(of ics: String) -> [ContentLine] {
    let bytes = Array(ics.utf8)
    FuzzInput.check(bytes.suffix(2) == [0x0D, 0x0A], "output does not end with CRLF")
    var physical: [ArraySlice<UInt8>] = []
    var lineStart = 0
    var i = 0
    while i < bytes.count {
        if bytes[i] == 0x0D {
            FuzzInput.check(i + 1 < bytes.count && bytes[i + 1] == 0x0A, "bare CR at octet \(i)")
            physical.append(bytes[lineStart..<i])
            i += 2
            lineStart = i
            continue
        }
        FuzzInput.check(bytes[i] != 0x0A, "bare LF at octet \(i)")
        i += 1
    }
    var logical: [[UInt8]] = []
    for line in physical {
        FuzzInput.check(line.count <= 75, "a line of \(line.count) octets: \(String(decoding: line, as: UTF8.self).debugDescription)")
        FuzzInput.check(String(validating: line, as: UTF8.self) != nil,
                        "a folded line is not valid UTF-8 on its own: \(Array(line))")
        if let first = line.first, first == 0x20 || first == 0x09 {
            FuzzInput.check(!logical.isEmpty, "output starts with a continuation line")
            logical[logical.count - 1] += line.dropFirst()
        } else {
            FuzzInput.check(!line.isEmpty, "an empty line")
            logical.append(Array(line))
        }
    }
    return logical.map(parseContentLine)
}

func parseContentLine(_ line: [UInt8]) -> ContentLine {
    let text = String(decoding: line, as: UTF8.self)
    var i = 0
    func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D
    }
    func isCTL(_ b: UInt8) -> Bool { (b < 0x20 && b != 0x09) || b == 0x7F }
    func name() -> String {
        let start = i
        while i < line.count, isNameByte(line[i]) { i += 1 }
        FuzzInput.check(i > start, "no name at octet \(start) of \(text.debugDescription)")
        return String(decoding: line[start..<i], as: UTF8.self)
    }
    let propertyName = name()
    var parameters: [(String, [String])] = []
    while i < line.count, line[i] == UInt8(ascii: ";") {
        i += 1
        let parameterName = name()
        FuzzInput.check(i < line.count && line[i] == UInt8(ascii: "="), "parameter \(parameterName) without '=' in \(text.debugDescription)")
        i += 1
        var values: [String] = []
        repeat {
            if values.count > 0 { i += 1 } // the comma
            let start = i
            if i < line.count, line[i] == 0x22 {
                i += 1
                while i < line.count, line[i] != 0x22 {
                    FuzzInput.check(!isCTL(line[i]), "control octet in a quoted parameter of \(text.debugDescription)")
                    i += 1
                }
                FuzzInput.check(i < line.count, "unterminated quoted parameter in \(text.debugDescription)")
                i += 1
                values.append(String(decoding: line[(start + 1)..<(i - 1)], as: UTF8.self))
            } else {
                while i < line.count, line[i] != UInt8(ascii: ";"), line[i] != UInt8(ascii: ":"), line[i] != UInt8(ascii: ",") {
                    FuzzInput.check(!isCTL(line[i]) && line[i] != 0x22, "bad octet in parameter of \(text.debugDescription)")
                    i += 1
                }
                values.append(String(decoding: line[start..<i], as: UTF8.self))
            }
        } while i < line.count && line[i] == UInt8(ascii: ",")
        parameters.append((parameterName, values))
    }
    FuzzInput.check(i < line.count && line[i] == UInt8(ascii: ":"), "no ':' after the name and parameters of \(text.debugDescription)")
    i += 1
    for b in line[i...] {
        FuzzInput.check(!isCTL(b), "control octet \(b) in the value of \(text.debugDescription)")
    }
    return ContentLine(name: propertyName, parameters: parameters, value: String(decoding: line[i...], as: UTF8.self))
}

/// RFC 5545 §3.3.11 TEXT unescaping, strict: a backslash must start one of the
/// four escapes, and `;` and `,` must be escaped.
func unescape(_ value: String) -> String {
    var out = ""
    var escaping = false
    for scalar in value.unicodeScalars {
        if escaping {
            switch scalar {
            case "\\", ";", ",": out.unicodeScalars.append(scalar)
            case "n", "N": out += "\n"
            default: FuzzInput.check(false, "unknown escape \\\(scalar) in \(value.debugDescription)")
            }
            escaping = false
        } else if scalar == "\\" {
            escaping = true
        } else {
            FuzzInput.check(scalar != ";" && scalar != ",", "unescaped \(scalar) in TEXT \(value.debugDescription)")
            out.unicodeScalars.append(scalar)
        }
    }
    FuzzInput.check(!escaping, "TEXT ends in a lone backslash: \(value.debugDescription)")
    return out
}

/// What a TEXT value should read as after unescaping, written from the spec rather
/// than from the writer: CRLF, CR, LF, U+2028 and U+2029 are each one line break;
/// tab stays; other C0/C1 controls and DEL are dropped.
func expectedText(_ typed: String) -> String {
    var out = ""
    var previousWasCR = false
    for scalar in typed.unicodeScalars {
        let wasCR = previousWasCR
        previousWasCR = scalar == "\r"
        switch scalar.value {
        case 0x0D, 0x2028, 0x2029: out += "\n"
        case 0x0A: if !wasCR { out += "\n" }
        case 0x09: out += "\t"
        case 0..<0x20, 0x7F, 0x80...0x9F: break
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// The entry point; see FuzzDriver for why a fuzz target needs one.
@main
enum Main {
    static func main() {
        FuzzDriver.run { data, size in fuzz(data ?? FuzzDriver.empty, size) }
    }
}
