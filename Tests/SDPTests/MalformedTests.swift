import Testing
@testable import SDP

/// Malformed input throws with the right line number and never traps.
@Suite("Malformed descriptions")
struct MalformedTests {
    static let head = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"  // lines 1-4

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var line: Int
        var reasonContains: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty input", text: "", line: 1, reasonContains: "v=0"),
        Case(name: "only blank lines", text: "\r\n\r\n", line: 1, reasonContains: "v=0"),
        Case(name: "no v= line", text: "o=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n", line: 1, reasonContains: "v=0"),
        Case(name: "v=1", text: "v=1\r\n", line: 1, reasonContains: "v=0"),
        Case(name: "second v=", text: head + "v=0\r\n", line: 5, reasonContains: "once"),
        Case(name: "missing o=", text: "v=0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n", line: 4, reasonContains: "o="),
        Case(name: "o= with 5 fields", text: "v=0\r\no=- 1 1 IN IP4\r\n", line: 2, reasonContains: "o="),
        Case(name: "o= with non-numeric session id", text: "v=0\r\no=- abc 1 IN IP4 0.0.0.0\r\n", line: 2, reasonContains: "o="),
        Case(name: "o= session id overflows 64 bits", text: "v=0\r\no=- 18446744073709551616 1 IN IP4 0.0.0.0\r\n",
             line: 2, reasonContains: "o="),
        Case(name: "o= with a signed version", text: "v=0\r\no=- 1 +1 IN IP4 0.0.0.0\r\n", line: 2, reasonContains: "o="),
        Case(name: "second o=", text: head + "o=- 1 1 IN IP4 0.0.0.0\r\n", line: 5, reasonContains: "second"),
        Case(name: "o= after m=", text: head + "m=audio 9 RTP/AVP 0\r\no=- 1 1 IN IP4 0.0.0.0\r\n", line: 6,
             reasonContains: "before"),
        Case(name: "t= after m=", text: head + "m=audio 9 RTP/AVP 0\r\nt=0 0\r\n", line: 6, reasonContains: "before"),
        Case(name: "unknown line type", text: head + "x=hello\r\n", line: 5, reasonContains: "unknown"),
        Case(name: "upper-case type", text: head + "A=foo\r\n", line: 5, reasonContains: "<letter>=<value>"),
        Case(name: "no equals sign", text: head + "a rtcp-mux\r\n", line: 5, reasonContains: "<letter>=<value>"),
        Case(name: "single letter", text: head + "a\r\n", line: 5, reasonContains: "<letter>=<value>"),
        Case(name: "space before equals", text: head + "a =rtcp-mux\r\n", line: 5, reasonContains: "<letter>=<value>"),
        Case(name: "empty attribute name", text: head + "a=\r\n", line: 5, reasonContains: "token"),
        Case(name: "attribute name with a space", text: head + "a=rtcp mux\r\n", line: 5, reasonContains: "token"),
        Case(name: "m= with only a kind", text: head + "m=audio\r\n", line: 5, reasonContains: "m="),
        Case(name: "m= non-numeric port", text: head + "m=audio nine RTP/AVP 0\r\n", line: 5, reasonContains: "m="),
        Case(name: "m= port above 65535", text: head + "m=audio 65536 RTP/AVP 0\r\n", line: 5, reasonContains: "m="),
        Case(name: "m= negative port", text: head + "m=audio -1 RTP/AVP 0\r\n", line: 5, reasonContains: "m="),
        Case(name: "m= bad port count", text: head + "m=audio 9/x RTP/AVP 0\r\n", line: 5, reasonContains: "m="),
        Case(name: "m= without formats on a live port", text: head + "m=audio 9 RTP/AVP\r\n", line: 5, reasonContains: "m="),
        Case(name: "m= payload type 128", text: head + "m=audio 9 RTP/AVP 0 128\r\n", line: 5, reasonContains: "m="),
        Case(name: "m= non-numeric RTP format", text: head + "m=video 9 UDP/TLS/RTP/SAVPF vp8\r\n", line: 5, reasonContains: "m="),
        Case(name: "m= empty proto part", text: head + "m=audio 9 RTP//AVP 0\r\n", line: 5, reasonContains: "m="),
        Case(name: "c= with two fields", text: head + "c=IN IP4\r\n", line: 5, reasonContains: "c="),
        Case(name: "second session c=", text: "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nc=IN IP4 1.2.3.4\r\nc=IN IP4 1.2.3.4\r\n",
             line: 4, reasonContains: "second"),
        Case(name: "second media c=", text: head + "m=audio 9 RTP/AVP 0\r\nc=IN IP4 1.2.3.4\r\nc=IN IP4 1.2.3.4\r\n",
             line: 7, reasonContains: "second"),
        Case(name: "b= without a colon", text: head + "b=AS64\r\n", line: 5, reasonContains: "b="),
        Case(name: "b= non-numeric", text: head + "b=AS:lots\r\n", line: 5, reasonContains: "b="),
        Case(name: "t= with one field", text: "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nt=0\r\n", line: 3, reasonContains: "t="),
        Case(name: "duplicate mid", text: head + "m=audio 9 RTP/AVP 0\r\na=mid:0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\n",
             line: 8, reasonContains: "duplicate mid"),
        Case(name: "two mids in one m-line", text: head + "m=audio 9 RTP/AVP 0\r\na=mid:0\r\na=mid:1\r\n",
             line: 7, reasonContains: "second a=mid"),
        Case(name: "mid without value", text: head + "m=audio 9 RTP/AVP 0\r\na=mid\r\n", line: 6, reasonContains: "a=mid"),
        Case(name: "extmap id 0", text: head + "m=audio 9 RTP/AVP 0\r\na=extmap:0 urn:x\r\n", line: 6, reasonContains: "extmap"),
        Case(name: "extmap id 256", text: head + "m=audio 9 RTP/AVP 0\r\na=extmap:256 urn:x\r\n", line: 6,
             reasonContains: "extmap"),
        Case(name: "extmap id 4096", text: head + "a=extmap:4096 urn:x\r\n", line: 5, reasonContains: "extmap"),
        Case(name: "extmap bad direction", text: head + "a=extmap:1/sideways urn:x\r\n", line: 5, reasonContains: "extmap"),
        Case(name: "extmap without URI", text: head + "a=extmap:1\r\n", line: 5, reasonContains: "extmap"),
        Case(name: "rtpmap without clock rate", text: head + "m=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8\r\n", line: 6,
             reasonContains: "rtpmap"),
        Case(name: "rtpmap with empty clock rate", text: head + "m=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/\r\n", line: 6,
             reasonContains: "rtpmap"),
        Case(name: "rtpmap clock rate 0", text: head + "m=video 9 RTP/AVP 96\r\na=rtpmap:96 VP8/0\r\n", line: 6,
             reasonContains: "rtpmap"),
        Case(name: "rtpmap payload type 200", text: head + "a=rtpmap:200 VP8/90000\r\n", line: 5, reasonContains: "rtpmap"),
        Case(name: "rtpmap 300 channels", text: head + "a=rtpmap:111 opus/48000/300\r\n", line: 5, reasonContains: "rtpmap"),
        Case(name: "rtpmap without encoding", text: head + "a=rtpmap:111\r\n", line: 5, reasonContains: "rtpmap"),
        Case(name: "fmtp without value", text: head + "a=fmtp\r\n", line: 5, reasonContains: "fmtp"),
        Case(name: "rtcp-fb without type", text: head + "a=rtcp-fb:96\r\n", line: 5, reasonContains: "rtcp-fb"),
        Case(name: "rtcp-fb bad payload type", text: head + "a=rtcp-fb:x nack\r\n", line: 5, reasonContains: "rtcp-fb"),
        Case(name: "ssrc overflow", text: head + "a=ssrc:4294967296 cname:x\r\n", line: 5, reasonContains: "ssrc"),
        Case(name: "ssrc without attribute", text: head + "a=ssrc:1234\r\n", line: 5, reasonContains: "ssrc"),
        Case(name: "ssrc-group without ssrcs", text: head + "a=ssrc-group:FID\r\n", line: 5, reasonContains: "ssrc-group"),
        Case(name: "ssrc-group bad ssrc", text: head + "a=ssrc-group:FID 1 two\r\n", line: 5, reasonContains: "ssrc-group"),
        Case(name: "fingerprint bad hex", text: head + "a=fingerprint:sha-256 ZZ:00\r\n", line: 5, reasonContains: "fingerprint"),
        Case(name: "fingerprint three-digit part", text: head + "a=fingerprint:sha-256 ABC:00\r\n", line: 5,
             reasonContains: "fingerprint"),
        Case(name: "fingerprint trailing colon", text: head + "a=fingerprint:sha-256 AB:\r\n", line: 5,
             reasonContains: "fingerprint"),
        Case(name: "fingerprint without digest", text: head + "a=fingerprint:sha-256\r\n", line: 5, reasonContains: "fingerprint"),
        Case(name: "setup bogus", text: head + "a=setup:client\r\n", line: 5, reasonContains: "setup"),
        Case(name: "rid bad direction", text: head + "a=rid:q sideways\r\n", line: 5, reasonContains: "rid"),
        Case(name: "rid bad id", text: head + "a=rid:q! send\r\n", line: 5, reasonContains: "rid"),
        Case(name: "simulcast without direction", text: head + "a=simulcast:q;h;f\r\n", line: 5, reasonContains: "simulcast"),
        Case(name: "simulcast empty stream", text: head + "a=simulcast:send q;;f\r\n", line: 5, reasonContains: "simulcast"),
        Case(name: "simulcast send twice", text: head + "a=simulcast:send q send h\r\n", line: 5, reasonContains: "simulcast"),
        Case(name: "msid with three fields", text: head + "a=msid:a b c\r\n", line: 5, reasonContains: "msid"),
        Case(name: "group without semantics", text: head + "a=group:\r\n", line: 5, reasonContains: "group"),
        Case(name: "direction with a value", text: head + "a=sendonly:yes\r\n", line: 5, reasonContains: "no value"),
        Case(name: "contradicting directions", text: head + "m=audio 9 RTP/AVP 0\r\na=sendonly\r\na=recvonly\r\n",
             line: 7, reasonContains: "contradicts"),
        Case(name: "bare CR inside a line", text: head + "s=a\rb\r\n", line: 5, reasonContains: "CR"),
        Case(name: "CR-only line endings", text: "v=0\ro=- 1 1 IN IP4 0.0.0.0\r", line: 1, reasonContains: "CR"),
        Case(name: "double CR before LF", text: head + "a=rtcp-mux\r\r\n", line: 5, reasonContains: "CR"),
        Case(name: "NUL inside a line", text: head + "s=a\u{0}b\r\n", line: 5, reasonContains: "NUL"),
    ]

    @Test("throws with the line number", arguments: cases)
    func malformed(_ c: Case) {
        let error = parseError(c.text)
        #expect(error?.line == c.line, "\(String(describing: error))")
        #expect(error?.reason.contains(c.reasonContains) == true, "\(String(describing: error))")
    }

    @Test("byte fixtures: NUL, lone CR, invalid UTF-8 in a field that must be a token")
    func byteFixtures() {
        // "v=0\r\n\x00=0\r\n"
        #expect(throws: SDPParseError(line: 2, reason: "a line may not contain NUL or a bare CR (RFC 8866 §9)")) {
            try SessionDescription(parsing: bytes(hex: "763d300d0a 003d300d0a"))
        }
        // "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\na=\xC3\xA9t\xC3\xA9\r\n": a non-ASCII attribute name.
        #expect(throws: SDPParseError.self) {
            try SessionDescription(parsing: bytes(hex: "763d300d0a 6f3d2d2031203120494e2049503420302e302e302e300d0a 613dc3a974c3a90d0a"))
        }
        // "v=0\r\nm=\xFF\xFE\r\n": m= before o= with garbage.
        #expect((try? SessionDescription(parsing: bytes(hex: "763d300d0a 6d3dfffe0d0a"))) == nil)
        // A truncated multi-byte sequence at the end: "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=\xE2\x82"
        let truncated = try? SessionDescription(parsing: bytes(hex: "763d300d0a 6f3d2d2031203120494e2049503420302e302e302e300d0a 733de282"))
        #expect(truncated?.sessionName == "\u{FFFD}")
    }

    @Test("input over 64 KiB throws with the line that crosses the limit")
    func huge() {
        let line = "a=x-filler:" + String(repeating: "z", count: 1000) + "\r\n"  // 1013 bytes
        let text = Self.head + String(repeating: line, count: 70)
        let error = parseError(text)
        // 40 bytes of head (4 lines), then 1013-byte lines: byte 65536 is on
        // attribute line (65536 - 40) / 1013 = 64.6, i.e. the 65th, line 69.
        #expect(error?.line == 69)
        #expect(error?.reason.contains("larger") == true)
        // Exactly at the limit is still parsed.
        let padding = String(repeating: "z", count: SessionDescription.maximumSize - Self.head.utf8.count - 13)
        let atLimit = Self.head + "a=x-filler:" + padding + "\r\n"
        #expect(atLimit.utf8.count == SessionDescription.maximumSize)
        #expect(failingLine(atLimit) == nil)
        #expect(failingLine(atLimit + "\n") == 6)  // the LF at index 65535 ends line 5
    }

    @Test("more than 128 m-lines throws at the 129th")
    func tooManyMediaSections() {
        let text = Self.head + String(repeating: "m=audio 9 RTP/AVP 0\r\n", count: 129)
        #expect(failingLine(text) == 4 + 129)
        let ok = Self.head + String(repeating: "m=audio 9 RTP/AVP 0\r\n", count: 128)
        #expect(failingLine(ok) == nil)
    }

    @Test("every truncation of a browser offer either parses or throws inside the text")
    func truncations() {
        let text = Fixtures.firefox
        let utf8 = Array(text.utf8)
        let lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).count
        for end in stride(from: 0, through: utf8.count, by: 7) {
            do {
                _ = try SessionDescription(parsing: Array(utf8[..<end]))
            } catch {
                #expect((1...lines).contains(error.line))
            }
        }
    }

    @Test("error description names the line")
    func errorDescription() {
        #expect(SDPParseError(line: 7, reason: "bad").description == "SDP line 7: bad")
    }
}
