import Foundation
import Testing
@testable import Gateway

@Suite struct DigestChallengerTests {
    static let credentials = SIPCredentials(username: "carrier", password: "s3cret")

    /// What a trunk sends back for `challenge`: RFC 2617's computation, written out here.
    static func answer(_ challenge: String, credentials: SIPCredentials = credentials, uri: String = "sip:+15550100@gw.example",
                       method: String = "INVITE", nc: Int = 1) -> DigestAuthorization {
        let params = DigestAuthorization.parameters(challenge.dropFirst(7))
        let count = String(format: "%08x", nc)
        let header = "Digest username=\"\(credentials.username)\", realm=\"\(params["realm"]!)\", nonce=\"\(params["nonce"]!)\", "
            + "uri=\"\(uri)\", response=\"x\", algorithm=\(params["algorithm"] ?? "MD5"), qop=auth, nc=\(count), cnonce=\"0a4f113b\""
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

    @Test("SHA-256 is RFC 7616's own worked example (§3.9.1), and an answer with it passes")
    func sha256() throws {
        let a = try #require(DigestAuthorization(headerValue: """
            Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, \
            nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, \
            cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, \
            response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
            """))
        let response = DigestChallenger.response(to: a, method: "GET", credentials: SIPCredentials(username: "Mufasa", password: "Circle of Life"))
        #expect(response == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
        let challenger = DigestChallenger(realm: "gw.example")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let offered = challenger.challenges(now: now)
        #expect(offered.count == 2 && offered[0].contains("algorithm=MD5") && offered[1].contains("algorithm=SHA-256"))
        let nonces = offered.map { DigestAuthorization.parameters($0.dropFirst(7))["nonce"] }
        #expect(nonces[0] != nil && nonces[0] == nonces[1], "one nonce for both")
        let answer = Self.answer(offered[1])
        #expect(answer.algorithm == "SHA-256" && answer.response.count == 64)
        #expect(challenger.verify(answer, method: "INVITE", credentials: Self.credentials, now: now) == .authorized)
        var unknown = answer
        unknown.algorithm = "SHA-512-256"
        #expect(challenger.verify(unknown, method: "INVITE", credentials: Self.credentials, now: now) == .challenge)
    }

    @Test("a right answer is good once per nonce count: the same INVITE sent again is a replay; a higher count passes")
    func replay() {
        let challenger = DigestChallenger(realm: "gw.example")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let challenge = challenger.challenges(now: now)[0]
        let first = Self.answer(challenge)
        #expect(challenger.verify(first, method: "INVITE", credentials: Self.credentials, now: now) == .authorized)
        #expect(challenger.verify(first, method: "INVITE", credentials: Self.credentials, now: now) == .replayed)
        let copy = challenger   // copies share what they have seen
        #expect(copy.verify(first, method: "INVITE", credentials: Self.credentials, now: now) == .replayed)
        #expect(challenger.verify(Self.answer(challenge, nc: 2), method: "INVITE", credentials: Self.credentials, now: now) == .authorized)
        #expect(challenger.verify(Self.answer(challenge, nc: 2), method: "INVITE", credentials: Self.credentials, now: now) == .replayed)
        // A wrong password is never remembered (so cannot fill the table).
        let wrong = Self.answer(challenge, credentials: SIPCredentials(username: "carrier", password: "guess"), nc: 9)
        #expect(challenger.verify(wrong, method: "INVITE", credentials: Self.credentials, now: now) == .wrong)
        #expect(challenger.verify(Self.answer(challenge, nc: 3), method: "INVITE", credentials: Self.credentials, now: now) == .authorized)
    }

    @Test("the table of seen nonces stays bounded: expired ones go first, then those that expire soonest")
    func boundedCounts() {
        let counts = NonceCounts(capacity: 4)
        for i in 0..<4 { #expect(counts.accept(nonce: "n\(i)", count: 1, expires: Double(100 + i), now: 0)) }
        #expect(counts.count == 4)
        // Full, nothing expired: the half that expires soonest goes.
        #expect(counts.accept(nonce: "n4", count: 1, expires: 200, now: 0))
        #expect(counts.count == 3)
        #expect(counts.accept(nonce: "n3", count: 1, expires: 103, now: 0) == false, "kept: expires late")
        #expect(counts.accept(nonce: "n0", count: 1, expires: 100, now: 0), "dropped, so taken again")
        // Full again, all but the newest expired by now.
        #expect(counts.accept(nonce: "n5", count: 1, expires: 300, now: 150))
        #expect(counts.count == 2)
    }

    @Test("a right answer passes; a wrong password is refused; no answer, another realm or a forged nonce is challenged")
    func verdicts() {
        let challenger = DigestChallenger(realm: "gw.example")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let challenge = challenger.challenges(now: now)[0]
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
        let otherRealm = Self.answer(DigestChallenger(realm: "elsewhere").challenges(now: now)[0])
        #expect(challenger.verify(otherRealm, method: "INVITE", credentials: Self.credentials, now: now) == .challenge)
    }

    @Test("an old nonce with a right answer is stale (RFC 2617 §3.2.1), so the trunk retries without failing the call")
    func staleNonce() {
        let challenger = DigestChallenger(realm: "gw.example")
        let issued = Date(timeIntervalSince1970: 1_800_000_000)
        let old = Self.answer(challenger.challenges(now: issued)[0])
        #expect(challenger.verify(old, method: "INVITE", credentials: Self.credentials, now: issued.addingTimeInterval(301)) == .stale)
        #expect(challenger.challenges(now: issued, stale: true)[0].hasSuffix("stale=TRUE"))
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
