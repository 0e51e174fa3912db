import Testing
@testable import Gateway

@Suite struct DialTargetTests {
    static let trunks = TrunkTable(trunks: [
        TrunkConfiguration(name: "carrier", uri: "sip:sip.example.net:5080;transport=tcp", username: "gw", password: "pw"),
    ], directCalls: true)

    @Test func numbersGoThroughTheTrunkAndSIPAddressesAsTheyAre() throws {
        let number = try DialTarget.route(for: "+1 (555) 010-0199", trunks: Self.trunks)
        #expect(number.uri == "sip:+15550100199@sip.example.net:5080;transport=tcp" && number.trunk?.name == "carrier")
        let address = try DialTarget.route(for: " sip:alice@pbx.example.org ", trunks: Self.trunks)
        #expect(address.uri == "sip:alice@pbx.example.org" && address.trunk == nil)
        // A SIP address at the trunk's host answers its challenges with the trunk's credentials.
        #expect(try DialTarget.route(for: "sip:bob@sip.example.net", trunks: Self.trunks).trunk?.name == "carrier")
    }

    @Test func badTargetsAndMissingTrunksAreRefused() {
        for bad in ["", "12", "hello", "+1 555 abc", "1+555", "sip:", "sip:a@b\r\nVia: x", "sip:<a@b>", String(repeating: "9", count: 30)] {
            #expect(throws: GatewayError.self, "\(bad.debugDescription)") { try DialTarget.route(for: bad, trunks: Self.trunks) }
        }
        do {
            _ = try DialTarget.route(for: "+15550100", trunks: TrunkTable(trunks: [], directCalls: true))
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
