import Testing
@testable import Gateway

@Suite struct DialTargetTests {
    @Test func numbersGoThroughTheTrunkAndSIPAddressesAsTheyAre() throws {
        #expect(try DialTarget.requestURI(for: "+1 (555) 010-0199", trunkURI: "sip:sip.example.net:5080;transport=tcp")
                == "sip:+15550100199@sip.example.net:5080;transport=tcp")
        #expect(try DialTarget.requestURI(for: " sip:alice@pbx.example.org ", trunkURI: nil) == "sip:alice@pbx.example.org")
    }

    @Test func badTargetsAndMissingTrunksAreRefused() {
        for bad in ["", "12", "hello", "+1 555 abc", "1+555", "sip:", "sip:a@b\r\nVia: x", "sip:<a@b>", String(repeating: "9", count: 30)] {
            #expect(throws: GatewayError.self, "\(bad.debugDescription)") { try DialTarget.requestURI(for: bad, trunkURI: "sip:t.example") }
        }
        do {
            _ = try DialTarget.requestURI(for: "+15550100", trunkURI: nil)
            Issue.record("a number without a trunk was accepted")
        } catch {
            #expect(error.description.contains("no SIP trunk"))
        }
    }

    @Test func theHostOfASIPURI() {
        #expect(SIPUserAgent.host(ofURI: "sip:bob@10.0.0.5:5062;transport=udp") == "10.0.0.5")
        #expect(SIPUserAgent.host(ofURI: "sip:trunk.example.net") == "trunk.example.net")
    }
}
