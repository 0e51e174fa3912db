import Testing
@testable import SDP

/// Parley's candidate lines: UDP host candidates (RFC 8445 §5.1.2.1) and the
/// passive TCP candidate beside each (RFC 6544 §4.2, §4.5), ranked below UDP.
@Suite("ICE candidates: UDP and passive TCP")
struct CandidateTests {
    static let udp = Candidate(ip: "203.0.113.7", port: 40000)
    static let udp6 = Candidate(ip: "2001:db8::7", port: 40000, foundation: "2", localPreference: 65534)

    @Test("a passive TCP candidate: same address and port, tcptype passive, its own foundation")
    func passiveTCPLine() {
        let tcp = Candidate.passiveTCP(alongside: Self.udp)
        #expect(tcp.transport == .tcpPassive)
        #expect(tcp.attributeValue == "tcp1 1 tcp 2124414975 203.0.113.7 40000 typ host tcptype passive")
        #expect(tcp.foundation != Self.udp.foundation)   // RFC 8445 §5.1.1.3
        #expect(Candidate.passiveTCP(alongside: Self.udp6).attributeValue
                == "tcp2 1 tcp 2124414719 2001:db8::7 40000 typ host tcptype passive")
    }

    @Test("RFC 6544 §4.2: local preference = 2^13 · direction-pref (passive: 4) + other-pref")
    func tcpLocalPreference() {
        #expect(Candidate.tcpLocalPreference() == 4 << 13 + 8191)
        #expect(Candidate.tcpLocalPreference(otherPreference: 0) == 32768)
        #expect(Candidate.tcpLocalPreference(otherPreference: 60000) == 40959)   // other-pref is 13 bits
        #expect(Candidate.passiveTCP(alongside: Self.udp).localPreference == 40959)
        #expect(Candidate.passiveTCP(alongside: Self.udp6).localPreference == 40958)
        let far = Candidate(ip: "198.51.100.1", port: 1, localPreference: 100)
        #expect(Candidate.passiveTCP(alongside: far).localPreference == 32768)
    }

    @Test("every TCP candidate ranks below every UDP candidate, so browsers prefer UDP")
    func tcpBelowUDP() {
        let udps = [Self.udp, Self.udp6, Candidate(ip: "198.51.100.1", port: 1, localPreference: 60000)]
        let tcps = udps.map(Candidate.passiveTCP(alongside:))
        for u in udps {
            for t in tcps { #expect(t.priority < u.priority, "\(t.attributeValue) vs \(u.attributeValue)") }
        }
        // Among TCP candidates the addresses keep the order their UDP ones have.
        #expect(tcps[0].priority > tcps[1].priority)
    }

    @Test("the answer carries UDP and TCP lines, UDP first and in the m= line")
    func inAnswer() throws {
        var transport = Fixtures.transport
        transport.candidates = [Self.udp, Candidate.passiveTCP(alongside: Self.udp)]
        let attributes = WebRTCNegotiation.candidateAttributes(transport)
        #expect(attributes.map(\.value) == [
            "1 1 udp 2130706431 203.0.113.7 40000 typ host",
            "tcp1 1 tcp 2124414975 203.0.113.7 40000 typ host tcptype passive",
            nil,
        ])
        #expect(WebRTCNegotiation.defaultAddress(transport).port == 40000)
    }
}
