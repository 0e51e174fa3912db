@testable import Gateway
import Testing

/// Pure helpers: header sanitising, URI host extraction, auth strings.
struct SIPUserAgentHelperTests {
    @Test func headerLinesStripLineBreaks() {
        let text = SIPUserAgent.headerLines(["Retry-After": "30\r\nX-Evil: 1", "Warning": "399 parley \"full\""])
        #expect(text == "Retry-After: 30X-Evil: 1\r\nWarning: 399 parley \"full\"")
        #expect(SIPUserAgent.headerLines([:]) == nil)
    }

    @Test(arguments: [
        ("sip:pbx.example.com", "pbx.example.com"),
        ("sip:user@pbx.example.com:5080;transport=tcp", "pbx.example.com"),
        ("sips:[2001:db8::1]:5061", "[2001:db8::1]"),
        ("pbx.example.com", "pbx.example.com"),
        ("", ""),
    ])
    func hostOfURI(uri: String, host: String) {
        #expect(SIPUserAgent.host(ofURI: uri) == host)
    }

    @Test func digestCredentialString() {
        let credentials = SIPCredentials(username: "gw", password: "p:w")
        #expect(credentials.nuaAuth(realm: "\"pbx\"") == "Digest:\"pbx\":gw:p:w")
        #expect(credentials.nuaAuth(realm: "pbx") == "Digest:\"pbx\":gw:p:w")
    }

    @Test func displayNameUnquoting() {
        #expect(SIPStack.unquoted("\"Alice \\\"A\\\" Caller\"") == "Alice \"A\" Caller")
        #expect(SIPStack.unquoted("Bob") == "Bob")
        #expect(SIPStack.unquoted("") == nil)
        #expect(SIPStack.unquoted(nil) == nil)
    }

    @Test func bindURL() {
        #expect(SIPUserAgentConfiguration(host: "127.0.0.1", port: 0).bindURL == "sip:127.0.0.1:0")
        #expect(SIPUserAgentConfiguration(host: "::1", port: 5060).bindURL == "sip:[::1]:5060")
    }
}
