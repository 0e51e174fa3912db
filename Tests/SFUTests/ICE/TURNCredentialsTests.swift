import Foundation
import Testing
import SFU

@Suite("TURN REST API credentials")
struct TURNCredentialsTests {
    // Expected passwords computed independently with Python:
    //   base64.b64encode(hmac.new(b"north-wind-secret", b"1700000000:alice", hashlib.sha1).digest())
    //   base64.b64encode(hmac.new("s3crét".encode(), b"1700086400:user-42", hashlib.sha1).digest())
    @Test("Username is expiry:user, password is base64(HMAC-SHA1(secret, username))")
    func coturnScheme() {
        let now = Date(timeIntervalSince1970: 1_699_913_600.75)
        let credentials = TURNCredentials.make(secret: "north-wind-secret", user: "alice",
                                               lifetime: .seconds(86_400), now: now)
        #expect(credentials.username == "1700000000:alice")
        #expect(credentials.password == "r/l6ttQtMIfbS2lfULS0mDRRNUg=")
        #expect(credentials.expiresAt == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test("A UTF-8 secret is used as its bytes")
    func utf8Secret() {
        let credentials = TURNCredentials.make(secret: "s3crét", user: "user-42", lifetime: .seconds(3_600),
                                               now: Date(timeIntervalSince1970: 1_700_082_800))
        #expect(credentials.username == "1700086400:user-42")
        #expect(credentials.password == "dFOAjtC0Xr1U0050oEfypggR0Yo=")
    }

    @Test("Round-trips through JSON")
    func codable() throws {
        let credentials = TURNCredentials(username: "1:u", password: "p", expiresAt: Date(timeIntervalSince1970: 1))
        let data = try JSONEncoder().encode(credentials)
        #expect(try JSONDecoder().decode(TURNCredentials.self, from: data) == credentials)
    }
}
