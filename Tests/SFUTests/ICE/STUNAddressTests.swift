import Testing
@testable import SFU

@Suite("STUNAddress: construction, text, hashing")
struct STUNAddressTests {
    @Test("IPv4 constructors agree")
    func ipv4() {
        let a = STUNAddress(ipv4: (192, 0, 2, 1), port: 3478)
        #expect(STUNAddress(ipv4: 0xC000_0201, port: 3478) == a)
        #expect(STUNAddress(ip: [192, 0, 2, 1], port: 3478) == a)
        #expect(STUNAddress(string: "192.0.2.1", port: 3478) == a)
        #expect(a.family == .v4)
        #expect(a.ip == [192, 0, 2, 1])
        #expect(a.ipv4Value == 0xC000_0201)
        #expect(a.ipv6Value == nil)
        #expect(a.description == "192.0.2.1:3478")
        #expect(a != STUNAddress(ipv4: (192, 0, 2, 1), port: 3479))
    }

    @Test("IPv6 constructors agree; IPv4 and its mapped IPv6 form differ")
    func ipv6() throws {
        let bytes: [UInt8] = [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
        let a = try #require(STUNAddress(ip: bytes, port: 443))
        #expect(a.family == .v6)
        #expect(a.ip == bytes)
        #expect(STUNAddress(ipv6: (0x2001_0DB8_0000_0000, 1), port: 443) == a)
        #expect(STUNAddress(string: "2001:DB8::1", port: 443) == a)
        #expect(STUNAddress(string: "2001:db8:0:0:0:0:0:1", port: 443) == a)
        #expect(a.description == "[2001:db8::1]:443")
        let mapped = try #require(STUNAddress(string: "::ffff:192.0.2.1", port: 1))
        #expect(mapped.ip == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 1])
        #expect(mapped != STUNAddress(ipv4: (192, 0, 2, 1), port: 1))
        #expect(STUNAddress(string: "fe80::1%eth0", port: 443) == STUNAddress(string: "fe80::1", port: 443))
        #expect(STUNAddress(ip: [1, 2, 3], port: 1) == nil)
        #expect(STUNAddress(ip: [UInt8](repeating: 0, count: 17), port: 1) == nil)
    }

    @Test("RFC 5952 text form", arguments: [
        ("::", "::"), ("::1", "::1"), ("1::", "1::"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),  // first of two equal runs
        ("2001:0db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),  // a single zero group stays
        ("fe80:0:0:0:1::", "fe80::1:0:0:0"), ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("::ffff:1.2.3.4", "::ffff:102:304"),
        ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
    ])
    func ipv6Text(input: String, canonical: String) throws {
        let address = try #require(STUNAddress(string: input, port: 0))
        #expect(address.hostDescription == canonical)
        #expect(STUNAddress(string: canonical, port: 0) == address)
    }

    @Test("Bad text is rejected", arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3", "1.2.3.4 ", " 1.2.3.4", "a.b.c.d",
        ":", ":::", "1:2", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::", ":1::", "1::2:", "1:2:3:4:5:6:7:",
        "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "1.2.3.4::", "fe80::1%", "1.2.3.4%eth0", "[::1]", "::ffff:1.2.3.4.5",
        "1:2:3:4:5:6:7::8", String(repeating: "1", count: 100),
    ])
    func badText(_ text: String) {
        #expect(STUNAddress(string: text, port: 1) == nil)
    }

    @Test("Usable as a dictionary key")
    func hashing() {
        var table: [STUNAddress: Int] = [:]
        table[STUNAddress(ipv4: (10, 0, 0, 1), port: 5000)] = 1
        table[STUNAddress(string: "::a00:1", port: 5000)!] = 2
        #expect(table[STUNAddress(ipv4: 0x0A00_0001, port: 5000)] == 1)
        #expect(table.count == 2)
    }
}
