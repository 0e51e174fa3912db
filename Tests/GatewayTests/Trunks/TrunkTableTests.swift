import Foundation
import Testing
@testable import Gateway

@Suite struct TrunkTableTests {
    static let carrier = TrunkConfiguration(
        name: "carrier", uri: "sip:sip.carrier.example", callerID: "+15550100", dialOut: [NumberPattern("+1*")],
        numbers: [NumberPattern("+1 555 0100")], allow: [AddressBlock("203.0.113.0/24")!])
    static let pbx = TrunkConfiguration(
        name: "pbx", uri: "sip:pbx.example.org", dialOut: [NumberPattern("+4930*"), NumberPattern("+1555*")],
        numbers: [NumberPattern("+49 30 1234 0")], inbound: SIPCredentials(username: "pbx", password: "pbx-secret"))
    static let fallback = TrunkConfiguration(name: "fallback", uri: "sip:any.example")
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("dial-out takes the longest matching prefix, the first trunk on a tie, and skips inbound-only trunks")
    func dialOutByNumber() {
        let table = TrunkTable(trunks: [Self.carrier, Self.pbx, Self.fallback], directCalls: true)
        #expect(table.dialing(number: "+1 212 555 0199")?.name == "carrier")
        #expect(table.dialing(number: "+1 555 0199")?.name == "pbx")  // +1555* is longer than +1*
        #expect(table.dialing(number: "1-555-0199")?.name == "pbx")  // "+" or not, the same number
        #expect(table.dialing(number: "+49 30 555")?.name == "pbx")
        #expect(table.dialing(number: "+44 20 7946 0000")?.name == "fallback")
        let inboundOnly = TrunkConfiguration(name: "in", uri: "", dialOut: [NumberPattern("*")])
        #expect(TrunkTable(trunks: [inboundOnly], directCalls: true).dialing(number: "+1555") == nil)
        #expect(TrunkTable(trunks: [Self.carrier], directCalls: true).dialing(number: "+44 20") == nil)
    }

    @Test("a trunk's own numbers are taken only from its addresses")
    func allowList() {
        let table = TrunkTable(trunks: [Self.carrier, Self.pbx], directCalls: true)
        let challenger = DigestChallenger(realm: "gw.example")
        #expect(table.inbound(source: "203.0.113.9", dialled: ["+15550100"], authorization: nil, challenger: challenger, now: Self.now)
                == .admit(trunk: "carrier"))
        #expect(table.inbound(source: "::ffff:203.0.113.9", dialled: ["15550100"], authorization: nil, challenger: challenger,
                              now: Self.now) == .admit(trunk: "carrier"))
        guard case .forbid = table.inbound(source: "198.51.100.7", dialled: ["+15550100"], authorization: nil, challenger: challenger,
                                           now: Self.now) else {
            Issue.record("a stranger reached the carrier's number")
            return
        }
        // From the carrier's addresses to any other number: the carrier's call.
        #expect(table.inbound(source: "203.0.113.9", dialled: ["123456"], authorization: nil, challenger: challenger, now: Self.now)
                == .admit(trunk: "carrier"))
        // Anyone else to a meeting code: a direct call, while those are taken.
        #expect(table.inbound(source: "198.51.100.7", dialled: ["123456"], authorization: nil, challenger: challenger, now: Self.now)
                == .admit(trunk: nil))
    }

    @Test("a trunk with credentials is challenged, and its right answer admits the call as its own")
    func digest() {
        let table = TrunkTable(trunks: [Self.carrier, Self.pbx], directCalls: false)
        let challenger = DigestChallenger(realm: "gw.example")
        guard case .challenge(let challenges) = table.inbound(source: "192.0.2.1", dialled: ["+493012340"], authorization: nil,
                                                              challenger: challenger, now: Self.now), let challenge = challenges.first else {
            Issue.record("the PBX's number was not challenged")
            return
        }
        let pbx = SIPCredentials(username: "pbx", password: "pbx-secret")
        let answer = DigestChallengerTests.answer(challenge, credentials: pbx)
        #expect(table.inbound(source: "192.0.2.1", dialled: ["+493012340"], authorization: answer, challenger: challenger, now: Self.now)
                == .admit(trunk: "pbx"))
        // The same answer again is a replay: challenged afresh.
        guard case .challenge = table.inbound(source: "192.0.2.1", dialled: ["+493012340"], authorization: answer,
                                              challenger: challenger, now: Self.now) else {
            Issue.record("a replayed answer was not challenged")
            return
        }
        // The PBX's credentials also vouch for calls to meeting codes.
        #expect(table.inbound(source: "192.0.2.1", dialled: ["123456"], authorization: DigestChallengerTests.answer(challenge, credentials: pbx, nc: 2),
                              challenger: challenger, now: Self.now) == .admit(trunk: "pbx"))
        let wrong = DigestChallengerTests.answer(challenge, credentials: SIPCredentials(username: "pbx", password: "guess"))
        guard case .forbid = table.inbound(source: "192.0.2.1", dialled: ["+493012340"], authorization: wrong,
                                           challenger: challenger, now: Self.now) else {
            Issue.record("a wrong password got in")
            return
        }
        // Direct calls are off: a call nobody vouches for is challenged (someone may hold credentials).
        guard case .challenge = table.inbound(source: "192.0.2.1", dialled: ["123456"], authorization: nil, challenger: challenger,
                                              now: Self.now) else {
            Issue.record("a direct call got in while direct calls are off")
            return
        }
        let noCredentials = TrunkTable(trunks: [Self.carrier], directCalls: false)
        guard case .forbid = noCredentials.inbound(source: "192.0.2.1", dialled: ["123456"], authorization: nil,
                                                   challenger: challenger, now: Self.now) else {
            Issue.record("a direct call got in while direct calls are off")
            return
        }
    }

    @Test("address blocks: IPv4 and IPv6, prefixes at any bit, mapped IPv4, and garbage")
    func addressBlocks() throws {
        let v4 = try #require(AddressBlock("10.1.2.0/23"))
        #expect(v4.contains("10.1.3.255") && v4.contains("10.1.2.0") && !v4.contains("10.1.4.0") && !v4.contains("10.1.1.255"))
        #expect(v4.description == "10.1.2.0/23")
        let v6 = try #require(AddressBlock("2001:db8::/33"))
        #expect(v6.contains("2001:db8:7fff::1") && !v6.contains("2001:db8:8000::1") && !v6.contains("10.1.2.3"))
        #expect(AddressBlock("192.0.2.7")!.contains("192.0.2.7") && !AddressBlock("192.0.2.7")!.contains("192.0.2.8"))
        #expect(AddressBlock("0.0.0.0/0")!.contains("198.51.100.1"))
        #expect(AddressBlock("[::1]")!.contains("::1"))
        for bad in ["", "example.net", "10.0.0.0/33", "10.0.0.0/", "::/129", "1.2.3"] { #expect(AddressBlock(bad) == nil, "\(bad)") }
        #expect(!v4.contains("not an address"))
    }

    @Test("numbers compare on their digits; a prefix matches by its length, a whole number beats it")
    func numberPatterns() {
        #expect(NumberPattern("+1 555-0100").match("15550100") == 9)
        #expect(NumberPattern("+1555*").match("+1 555 0100") == 4)
        #expect(NumberPattern("*").match("0") == 0)
        #expect(NumberPattern("+1555*").match("+1666") == nil)
        #expect(NumberPattern("15550100").match("155501000") == nil)
        #expect(NumberPattern("*").match("sip-user") == nil)
    }
}
