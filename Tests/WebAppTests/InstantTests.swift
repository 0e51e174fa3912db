import Foundation
import Testing
@testable import WebApp

@Suite("Instants on the wire")
struct InstantTests {
    @Test("the fast formatter agrees with Foundation's ISO 8601 style")
    func formatterMatchesFoundation() {
        var rng = SystemRandomNumberGenerator()
        let fixed: [TimeInterval] = [0, -1, 86_399, 86_400, 951_782_400 /* 2000-02-29 */, 4_107_542_399, -2_208_988_800, 7_258_118_399]
        let random = (0..<5000).map { _ in TimeInterval(Int.random(in: -2_208_988_800...7_258_118_399, using: &rng)) }
        for seconds in fixed + random {
            let date = Date(timeIntervalSince1970: seconds + 0.75)
            let expected = date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt))
            #expect(Instant.string(date) == expected, "\(seconds)")
        }
        #expect(Instant.string(0) == "1970-01-01T00:00:00Z")
        #expect(Instant.parse(Instant.string(1_800_000_000_000)) == Date(timeIntervalSince1970: 1_800_000_000))
    }
}
