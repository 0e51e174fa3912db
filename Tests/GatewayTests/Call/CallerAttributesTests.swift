import Testing
@testable import Gateway

/// What hosts see about a caller: the number (asserted, else From) or SIP
/// address, and the headers the operator chose.
@Suite struct CallerAttributesTests {
    @Test("The asserted number wins over From; chosen headers by their configured names; the rest is left out")
    func attributes() {
        let asserted = AssertedIdentity(headerValue: "\"Bob Trunk\" <sip:+15557654321@trunk.example>")
        let a = CallerAttributes.make(headers: ["x-customer-id": "C-1042", "x-secret": "no", "x-queue": "sales"],
                                      chosen: ["X-Customer-ID", "X-Queue", "X-Missing"], asserted: asserted,
                                      fromUser: "1000", fromURI: "sip:1000@pbx.example")
        #expect(a == ["Number": "+15557654321", "X-Customer-ID": "C-1042", "X-Queue": "sales"])
        // No asserted identity: From's user when it is a number, else the SIP address.
        #expect(CallerAttributes.make(headers: [:], chosen: [], asserted: nil, fromUser: "+1 (555) 010-0100",
                                      fromURI: "sip:x@y") == ["Number": "+1 (555) 010-0100"])
        #expect(CallerAttributes.make(headers: [:], chosen: [], asserted: nil, fromUser: "alice",
                                      fromURI: "sip:alice@example.org") == ["SIP address": "sip:alice@example.org"])
    }

    @Test("Values are single-line, printable and bounded")
    func cleaned() {
        let a = CallerAttributes.make(headers: ["x-note": "line\r\none\u{0}\u{202E}" + String(repeating: "x", count: 500)],
                                      chosen: ["X-Note"], asserted: nil, fromUser: nil, fromURI: "")
        let note = a["X-Note"] ?? ""
        #expect(!note.contains("\r") && !note.contains("\n") && !note.contains("\u{0}") && !note.contains("\u{202E}"))
        #expect(note.count == CallerAttributes.maximumValueLength)
    }
}
