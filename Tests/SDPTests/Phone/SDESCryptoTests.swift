import Testing
@testable import SDP

@Suite("SDES a=crypto and base64")
struct SDESCryptoTests {
    @Test("Parses the RFC 4568 forms Parley accepts")
    func parses() {
        let line = SDESCrypto(attributeValue: "1 AES_CM_128_HMAC_SHA1_80 inline:\(PhoneFixtures.remoteKeyBase64)|2^20")
        #expect(line == SDESCrypto(tag: 1, suite: .aesCM128HMACSHA1_80, keyMaterial: PhoneFixtures.remoteKey))
        #expect(line?.attributeValue == "1 AES_CM_128_HMAC_SHA1_80 inline:\(PhoneFixtures.remoteKeyBase64)")
        #expect(SDESCrypto(attributeValue: "9 AES_CM_128_HMAC_SHA1_32 inline:\(PhoneFixtures.remoteKeyBase64)|1048576")?.tag == 9)
    }

    @Test("Rejects what Parley cannot use")
    func rejects() {
        let key = PhoneFixtures.remoteKeyBase64
        for value in [
            "", "1", "1 AES_CM_128_HMAC_SHA1_80", "0 AES_CM_128_HMAC_SHA1_80 inline:\(key)",
            "1 AES_256_CM_HMAC_SHA1_80 inline:\(key)", "1 AES_CM_128_HMAC_SHA1_80 \(key)",
            "1 AES_CM_128_HMAC_SHA1_80 inline:\(key)|2^20|1:4", // MKI
            "1 AES_CM_128_HMAC_SHA1_80 inline:\(key);inline:\(key)", // key list
            "1 AES_CM_128_HMAC_SHA1_80 inline:\(key) KDR=1", // session parameter
            "1 AES_CM_128_HMAC_SHA1_80 inline:\(key.dropLast(4))", // short key
            "1 AES_CM_128_HMAC_SHA1_80 inline:\(key.dropLast(1))*", // bad character
            "1 AES_CM_128_HMAC_SHA1_80 inline:\(key)|2^x",
            "x AES_CM_128_HMAC_SHA1_80 inline:\(key)",
        ] {
            #expect(SDESCrypto(attributeValue: value) == nil, "\(value)")
        }
    }

    @Test("Base64 round trips every length, with and without padding")
    func base64() {
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.decode("Zm8=") == Array("fo".utf8))
        #expect(Base64.decode("Zm8") == Array("fo".utf8))
        #expect(Base64.decode("Zm9vYg==") == Array("foob".utf8))
        #expect(Base64.decode("Z") == nil)
        #expect(Base64.decode("Zm=8") == nil)
        #expect(Base64.decode("Zm8===") == nil)
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }
}
