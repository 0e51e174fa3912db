import Foundation
import Testing
@testable import Gateway

@Suite struct DigestChallengerTests {
    static let credentials = SIPCredentials(username: "carrier", password: "s3cret")

    /// What a trunk sends back for `challenge`: RFC 2617's computation, written out here.
    static func answer(_ challenge: String, credentials: SIPCredentials = credentials, uri: String = "sip:+15550100@gw.example",
                       method: String = "INVITE") -> DigestAuthorization {
        let params = DigestAuthorization.parameters(challenge.dropFirst(7))
        let header = "Digest username=\"\(credentials.username)\", realm=\"\(params["realm"]!)\", nonce=\"\(params["nonce"]!)\", "
            + "uri=\"\(uri)\", response=\"x\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"0a4f113b\""
        var a = DigestAuthorization(headerValue: header)!
        a.response = DigestChallenger.response(to: a, method: method, credentials: credentials)!
        return a
    }

    @Test("the response is RFC 2617's: its own worked example (§3.5)")
    func rfc2617Example() throws {
        let a = try #require(DigestAuthorization(headerValue: """
            Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", \
            uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", \
            response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"
            """))
        #expect(a.username == "Mufasa" && a.realm == "testrealm@host.com" && a.qop == "auth" && a.nonceCount == "00000001")
        let response = DigestChallenger.response(to: a, method: "GET", credentials: SIPCredentials(username: "Mufasa", password: "Circle Of Life"))
        #expect(response == "6629fae49393a05397450978507c4ef1")
    }

    @Test("a right answer passes; a wrong password is refused; no answer, another realm or a forged nonce is challenged")
    func verdicts() {
        let challenger = DigestChallenger(realm: "gw.example")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let challenge = challenger.challenge(now: now)
        #expect(challenge.hasPrefix("Digest realm=\"gw.example\", nonce=\"") && challenge.contains("qop=\"auth\""))
        let good = Self.answer(challenge)
        #expect(challenger.verify(good, method: "INVITE", credentials: Self.credentials, now: now.addingTimeInterval(2)) == .authorized)
        let wrong = Self.answer(challenge, credentials: SIPCredentials(username: "carrier", password: "guess"))
        #expect(challenger.verify(wrong, method: "INVITE", credentials: Self.credentials, now: now) == .wrong)
        #expect(challenger.verify(nil, method: "INVITE", credentials: Self.credentials, now: now) == .challenge)
        // The answer is bound to the method: an INVITE's digest does not pass as a BYE's.
        #expect(challenger.verify(good, method: "BYE", credentials: Self.credentials, now: now) == .wrong)
        // Another gateway (another key) made this nonce: not ours, so a fresh challenge.
        let other = DigestChallenger(realm: "gw.example")
        #expect(other.verify(good, method: "INVITE", credentials: Self.credentials, now: now) == .challenge)
        var forged = good
        forged.nonce = "7fffffff." + String(repeating: "0", count: 32)
        forged.response = DigestChallenger.response(to: forged, method: "INVITE", credentials: Self.credentials)!
        #expect(challenger.verify(forged, method: "INVITE", credentials: Self.credentials, now: now) == .challenge)
        let otherRealm = Self.answer(DigestChallenger(realm: "elsewhere").challenge(now: now))
        #expect(challenger.verify(otherRealm, method: "INVITE", credentials: Self.credentials, now: now) == .challenge)
    }

    @Test("an old nonce with a right answer is stale (RFC 2617 §3.2.1), so the trunk retries without failing the call")
    func staleNonce() {
        let challenger = DigestChallenger(realm: "gw.example")
        let issued = Date(timeIntervalSince1970: 1_800_000_000)
        let old = Self.answer(challenger.challenge(now: issued))
        #expect(challenger.verify(old, method: "INVITE", credentials: Self.credentials, now: issued.addingTimeInterval(301)) == .stale)
        #expect(challenger.challenge(now: issued, stale: true).hasSuffix("stale=TRUE"))
    }

    @Test("Authorization headers: quoted values with commas and escapes, and what is not a digest")
    func parsing() throws {
        let a = try #require(DigestAuthorization(headerValue: #"Digest username="a\"b", realm="x, y", nonce="n", uri="sip:1@h", response="ABC""#))
        #expect(a.username == "a\"b" && a.realm == "x, y" && a.response == "abc" && a.qop == nil && a.algorithm == "MD5")
        #expect(DigestAuthorization(headerValue: "Basic dXNlcjpwYXNz") == nil)
        #expect(DigestAuthorization(headerValue: #"Digest username="a", realm="r""#) == nil)
        #expect(DigestAuthorization(headerValue: "Digest " + String(repeating: "a", count: 3000)) == nil)
    }
}
