import Testing
@testable import Gateway

/// The status line of a transfer's NOTIFY body (RFC 3420, RFC 3515 §2.4.5).
@Suite struct SIPFragmentTests {
    @Test("Status lines as phones send them; anything else is not one")
    func parsing() {
        #expect(SIPFragment("SIP/2.0 100 Trying") == SIPFragment(status: 100, phrase: "Trying"))
        #expect(SIPFragment("SIP/2.0 180 Ringing\r\n") == SIPFragment(status: 180, phrase: "Ringing"))
        #expect(SIPFragment("SIP/2.0 200 OK\r\nContent-Length: 0\r\n") == SIPFragment(status: 200, phrase: "OK"))
        #expect(SIPFragment("sip/2.0 486 Busy Here") == SIPFragment(status: 486, phrase: "Busy Here"))
        #expect(SIPFragment("SIP/2.0 603") == SIPFragment(status: 603, phrase: ""))
        for bad in ["", "SIP/2.0", "SIP/2.0 99 Low", "SIP/2.0 700 High", "SIP/2.0 2000 Long", "HTTP/1.1 200 OK",
                    "INVITE sip:a@b SIP/2.0", "SIP/2.0 abc Nope"] {
            #expect(SIPFragment(bad) == nil, "\(bad.debugDescription) was taken for a status line")
        }
    }

    @Test("Fuzzed bodies never crash the parser and give only valid statuses")
    func fuzz() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("SIP/2.0 0123456789 OKabc\r\n\t:;é\u{0}")
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<40, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            if let fragment = SIPFragment(text) {
                #expect((100...699).contains(fragment.status))
                #expect(fragment.phrase.count <= 80)
            }
        }
    }
}
