import Foundation
import Testing
@testable import Scheduling

@Suite("LocalDateTime and LocalDate")
struct LocalDateTimeTests {
    @Test("parses both accepted forms", arguments: [
        ("2026-12-01T09:00", LocalDateTime(year: 2026, month: 12, day: 1, hour: 9)),
        ("2026-12-01T09:00:30", LocalDateTime(year: 2026, month: 12, day: 1, hour: 9, second: 30)),
        ("2024-02-29T23:59:59", LocalDateTime(year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59)),
        ("1900-01-01T00:00", LocalDateTime(year: 1900, month: 1, day: 1)),
        ("2200-12-31T23:59", LocalDateTime(year: 2200, month: 12, day: 31, hour: 23, minute: 59)),
    ])
    func parsesGood(text: String, expected: LocalDateTime) throws {
        #expect(try LocalDateTime(parsing: text) == expected)
    }

    @Test("rejects malformed and impossible input", arguments: [
        "", " ", "2026-12-01", "2026-12-01T09", "2026-12-01T9:00", "2026-12-01 09:00", "2026-12-01t09:00",
        "2026-12-01T09:00Z", "2026-12-01T09:00:00.5", "2026-12-01T09:00:", "2026-12-01T09:00 ",
        " 2026-12-01T09:00", "2026-13-01T09:00", "2026-00-10T09:00", "2026-02-30T09:00", "2025-02-29T09:00",
        "2026-04-31T09:00", "2026-12-00T09:00", "2026-12-01T24:00", "2026-12-01T09:60", "2026-12-01T09:00:60",
        "1899-12-31T23:59", "2201-01-01T00:00", "20261-12-01T09:00", "99999999999999999999-01-01T00:00",
        "-2026-12-01T09:00", "+2026-12-01T09:00", "2026-1-01T09:00", "２０２６-12-01T09:00", "2026-12-01T09:00\u{0}",
        "\u{0}", "2026–12–01T09:00", "abcd-ef-ghTij:kl", "2026-12-01T09:00:00:00",
    ])
    func rejectsBad(text: String) {
        #expect(throws: SchedulingError.self) { try LocalDateTime(parsing: text) }
    }

    @Test("rejects invalid UTF-8 and control bytes without trapping")
    func rejectsByteJunk() {
        let junk: [[UInt8]] = [
            [0xFF, 0xFE, 0xFD], [0xC0, 0x80], [0x32, 0x30, 0x32, 0x36, 0xE2, 0x80],
            Array("2026-12-01T09:00".utf8) + [0x80], Array(repeating: 0x39, count: 10_000),
        ]
        for bytes in junk {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(throws: SchedulingError.self) { try LocalDateTime(parsing: text) }
            #expect(throws: SchedulingError.self) { try LocalDate(parsing: text) }
        }
    }

    @Test("error messages quote the input safely and briefly")
    func errorMessageIsSanitized() {
        do {
            _ = try LocalDateTime(parsing: "bad\u{0}\n" + String(repeating: "x", count: 500))
            Issue.record("expected a throw")
        } catch {
            #expect(!error.message.contains("\u{0}"))
            #expect(!error.message.contains("\n"))
            #expect(error.message.count < 150)
        }
    }

    @Test("description drops zero seconds")
    func description() {
        #expect(LocalDateTime(year: 2026, month: 12, day: 1, hour: 9).description == "2026-12-01T09:00")
        #expect(LocalDateTime(year: 2026, month: 2, day: 3, hour: 4, minute: 5, second: 6).description == "2026-02-03T04:05:06")
        #expect(LocalDate(year: 2026, month: 3, day: 9).description == "2026-03-09")
    }

    @Test("description round-trips through parsing")
    func descriptionRoundTrip() throws {
        var random = TestRandom(state: 42)
        for _ in 0..<500 {
            let value = LocalDateTime(
                year: 1900 + random.below(301), month: 1 + random.below(12), day: 1 + random.below(28),
                hour: random.below(24), minute: random.below(60), second: random.below(2) == 0 ? 0 : random.below(60)
            )
            #expect(try LocalDateTime(parsing: value.description) == value)
        }
    }

    @Test("LocalDate parsing")
    func localDate() throws {
        #expect(try LocalDate(parsing: "2027-01-31") == LocalDate(year: 2027, month: 1, day: 31))
        for bad in ["", "2027-1-31", "2027-02-29", "2027-01-31T00:00", "20270131", "2027-01-32", "1800-01-01"] {
            #expect(throws: SchedulingError.self) { try LocalDate(parsing: bad) }
        }
    }

    @Test("ordering is chronological")
    func ordering() {
        #expect(local("2026-12-01T09:00") < local("2026-12-01T09:00:01"))
        #expect(local("2026-11-30T23:59") < local("2026-12-01T00:00"))
        #expect(local("2025-12-31T23:59") < local("2026-01-01T00:00"))
        #expect(LocalDate(year: 2026, month: 1, day: 2) > LocalDate(year: 2025, month: 12, day: 31))
    }

    @Test("weekday")
    func weekday() {
        #expect(local("2026-01-01T00:00").weekday == .TH)
        #expect(local("2026-03-08T00:00").weekday == .SU)
        #expect(local("2000-02-29T00:00").weekday == .TU)
        #expect(local("1900-01-01T00:00").weekday == .MO)
    }

    @Test("resolves ordinary times in winter and summer")
    func resolvesOrdinary() {
        #expect(local("2026-01-12T09:00").resolved(in: berlin) == utc("2026-01-12T08:00"))
        #expect(local("2026-07-13T09:00").resolved(in: berlin) == utc("2026-07-13T07:00"))
        #expect(local("2026-01-12T09:00").resolved(in: newYork) == utc("2026-01-12T14:00"))
        #expect(local("2026-07-13T09:00").resolved(in: newYork) == utc("2026-07-13T13:00"))
        #expect(local("2026-07-13T09:00").resolved(in: tokyo) == utc("2026-07-13T00:00"))
    }

    @Test("a time in the spring-forward gap moves later by the gap (RFC 5545 §3.3.5)")
    func springGap() {
        // US: 2026-03-08 02:00 EST jumps to 03:00 EDT; 02:30 means 03:30 EDT.
        #expect(local("2026-03-08T02:30").resolved(in: newYork) == utc("2026-03-08T07:30"))
        #expect(local("2026-03-08T02:00").resolved(in: newYork) == utc("2026-03-08T07:00"))
        #expect(local("2026-03-08T03:00").resolved(in: newYork) == utc("2026-03-08T07:00"))
        #expect(local("2026-03-08T01:59:59").resolved(in: newYork) == utc("2026-03-08T06:59:59"))
        // EU: 2026-03-29 02:00 CET jumps to 03:00 CEST.
        #expect(local("2026-03-29T02:30").resolved(in: berlin) == utc("2026-03-29T01:30"))
        #expect(LocalDateTime(local("2026-03-29T02:30").resolved(in: berlin), in: berlin) == local("2026-03-29T03:30"))
    }

    @Test("an ambiguous fall-back time takes the first instant")
    func fallBack() {
        // US: 2026-11-01 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
        #expect(local("2026-11-01T01:30").resolved(in: newYork) == utc("2026-11-01T05:30"))
        #expect(local("2026-11-01T00:59").resolved(in: newYork) == utc("2026-11-01T04:59"))
        #expect(local("2026-11-01T02:00").resolved(in: newYork) == utc("2026-11-01T07:00"))
        // EU: 2026-10-25 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
        #expect(local("2026-10-25T02:30").resolved(in: berlin) == utc("2026-10-25T00:30"))
        #expect(local("2026-10-25T03:00").resolved(in: berlin) == utc("2026-10-25T02:00"))
    }

    @Test("init(_:in:) is the inverse for existing times, including both passes of a repeated hour")
    func fromDate() {
        #expect(LocalDateTime(utc("2026-11-01T05:30"), in: newYork) == local("2026-11-01T01:30"))
        #expect(LocalDateTime(utc("2026-11-01T06:30"), in: newYork) == local("2026-11-01T01:30"))
        #expect(LocalDateTime(utc("2026-07-13T07:00:59"), in: berlin) == local("2026-07-13T09:00:59"))
        #expect(LocalDateTime(Date(timeIntervalSince1970: 0.999), in: utcZone) == local("1970-01-01T00:00"))
        #expect(LocalDateTime(Date(timeIntervalSince1970: -0.5), in: utcZone) == LocalDateTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59))
        var random = TestRandom(state: 7)
        for _ in 0..<2000 {
            let instant = Date(timeIntervalSince1970: TimeInterval(1_500_000_000 + random.below(600_000_000)))
            for zone in [berlin, newYork, tokyo] {
                let wall = LocalDateTime(instant, in: zone)
                let back = wall.resolved(in: zone)
                // Equal, or the second pass of a repeated hour (resolves to the first).
                #expect(back == instant || back == instant.addingTimeInterval(-3600))
            }
        }
    }

    @Test("extreme dates and fields never trap")
    func extremes() {
        for date in [Date.distantPast, Date.distantFuture, Date(timeIntervalSince1970: .infinity),
                     Date(timeIntervalSince1970: -.infinity), Date(timeIntervalSince1970: .nan),
                     Date(timeIntervalSince1970: 1e300), Date(timeIntervalSince1970: -1e300)] {
            let wall = LocalDateTime(date, in: newYork)
            #expect((0...10000).contains(wall.year))
            _ = wall.resolved(in: newYork)
        }
        let garbage = LocalDateTime(year: Int.max, month: Int.min, day: Int.max, hour: -5, minute: Int.max, second: Int.min)
        _ = garbage.resolved(in: berlin)
        _ = garbage.description
    }
}
