import Foundation
import SFU

/// Byte fixtures for the ICE tests, written as hex.
enum ICETestBytes {
    /// Bytes from hex; whitespace ignored. Traps on a typo in a fixture, which
    /// is a bug in the test, not in the code under test.
    static func hex(_ text: String) -> [UInt8] {
        let digits = text.filter { !$0.isWhitespace }
        precondition(digits.count % 2 == 0, "odd hex fixture")
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else { preconditionFailure("bad hex \(digits[index..<next])") }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// Lower-case hex of `bytes`.
    static func hexString(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    // RFC 5769 §2.1: sample request (SOFTWARE, PRIORITY, ICE-CONTROLLED,
    // USERNAME "evtj:h6vY", MESSAGE-INTEGRITY, FINGERPRINT; padding is 0x20).
    static let rfc5769Request = hex("""
        000100582112a442b7e7a701bc34d686fa87dfae
        802200105354554e207465737420636c69656e74
        002400046e0001ff
        80290008932ff9b151263b36
        000600096576746a3a68367659202020
        000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2
        80280004e57a3bcf
        """)

    // RFC 5769 §2.2: sample IPv4 response, XOR-MAPPED-ADDRESS 192.0.2.1:32853.
    static let rfc5769IPv4Response = hex("""
        0101003c2112a442b7e7a701bc34d686fa87dfae
        8022000b7465737420766563746f7220
        002000080001a147e112a643
        000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7
        80280004c07d4c96
        """)

    // RFC 5769 §2.3: sample IPv6 response, XOR-MAPPED-ADDRESS
    // [2001:db8:1234:5678:11:2233:4455:6677]:32853.
    static let rfc5769IPv6Response = hex("""
        010100482112a442b7e7a701bc34d686fa87dfae
        8022000b7465737420766563746f7220
        002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9
        00080014a382954e4be67bf11784c97c8292c275bfe3ed41
        80280004c8fb0b4c
        """)

    /// RFC 5769 §2: the short-term password for all three vectors.
    static let rfc5769Password = Array("VOkJxbRl1RmTxUk/WvJxBt".utf8)

    /// RFC 5769's transaction ID.
    static let rfc5769TransactionID = STUNTransactionID(bytes: hex("b7e7a701bc34d686fa87dfae"))!
}
