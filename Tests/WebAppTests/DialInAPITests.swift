import Foundation
import Hummingbird
import Settings
import Testing
@testable import WebApp

/// How to call in, wherever a meeting's details are: the meeting, the join
/// page's info and the calendar invitation carry the numbers (as tel: links
/// that dial the code after a pause) and the SIP address.
@Suite("Dial-in details")
struct DialInAPITests {
    static func withNumbers(_ c: inout ParleyConfiguration) {
        c.sip.dialInNumbers = ["+1 555 0100", "+44 (20) 7946-0100"]
        c.sip.dialInDomain = "sip.parley.test"
    }

    @Test("the meeting, its join info and its .ics carry the numbers, tel: links and SIP address")
    func numbersEverywhere() async throws {
        try await TestApp.run(configure: Self.withNumbers) { app in
            let ann = try await app.signUp("ann")
            let meeting = try await app.call(.post, "/api/v1/meetings", as: ann,
                                             json: ["title": "Standup", "start": "2027-03-22T09:00", "timeZone": "UTC"])
            let code = try #require(meeting["dialInCode"] as? String)
            let dialIn = try #require(meeting["dialIn"] as? [String: Any])
            #expect(dialIn["code"] as? String == code)
            #expect(dialIn["sipUri"] as? String == "sip:\(code)@sip.parley.test")
            let numbers = try #require(dialIn["numbers"] as? [[String: Any]])
            #expect(numbers.map { $0["number"] as? String } == ["+1 555 0100", "+44 (20) 7946-0100"])
            #expect(numbers.map { $0["tel"] as? String } == ["tel:+15550100,,\(code)#", "tel:+442079460100,,\(code)#"])

            let info = try await app.call(.get, "/api/v1/join/\(try #require(meeting["code"] as? String))")
            #expect((info["dialIn"] as? [String: Any])?["sipUri"] as? String == "sip:\(code)@sip.parley.test")

            let id = try #require(meeting["id"] as? String)
            let ics = try await app.call(.get, "/api/v1/meetings/\(id)/calendar.ics", as: ann).text
                .replacingOccurrences(of: "\r\n ", with: "")
            #expect(ics.contains("Dial in: +1 555 0100\\, then the code \(code)# (tel:+15550100\\,\\,\(code)#)"), "\(ics)")
            #expect(ics.contains("SIP: sip:\(code)@sip.parley.test"))
        }
    }

    @Test("without numbers the SIP address takes the public host (and the SIP port unless 5060); with SIP off, null")
    func defaultsAndOff() async throws {
        try await TestApp.run(configure: { $0.sip.address = HostAndPort(host: "0.0.0.0", port: 5070) }) { app in
            let ann = try await app.signUp("ann")
            let meeting = try await app.call(.post, "/api/v1/meetings", as: ann, json: ["title": "Chat"])
            let dialIn = try #require(meeting["dialIn"] as? [String: Any])
            #expect((dialIn["numbers"] as? [Any])?.isEmpty == true)
            #expect(dialIn["sipUri"] as? String == "sip:\(try #require(meeting["dialInCode"] as? String))@parley.test:5070")
        }
        try await TestApp.run(configure: { $0.sip.address = nil }) { app in
            let ann = try await app.signUp("ann")
            let meeting = try await app.call(.post, "/api/v1/meetings", as: ann, json: ["title": "Chat"])
            #expect(meeting["dialIn"] is NSNull)
            let info = try await app.call(.get, "/api/v1/join/\(try #require(meeting["code"] as? String))")
            #expect(info["dialIn"] is NSNull)
        }
    }

    @Test("a dial-in number that is not a telephone number is refused at start")
    func badNumber() throws {
        #expect(throws: ConfigurationError.self) {
            _ = try ParleyConfiguration.load(fileText: nil, environment: [:], overrides: ["sip.dial_in_numbers": "+1 555 0100, call me"])
        }
        let c = try ParleyConfiguration.load(fileText: nil, environment: [:], overrides: ["sip.dial_in_numbers": "+1 555 0100, 0800 123 456"])
        #expect(c.sip.dialInNumbers == ["+1 555 0100", "0800 123 456"])
    }
}
