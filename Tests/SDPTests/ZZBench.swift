import Foundation
import Testing
@testable import SDP

@Test func zzBench() throws {
    let text = Fixtures.chromeScreenShare
    let clock = ContinuousClock.now
    for _ in 0..<20000 { _ = try SessionDescription(parsing: text) }
    print("parse 8 KB x2000:", ContinuousClock.now - clock)
}
