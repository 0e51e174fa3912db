import Testing
@testable import RTP

/// Bytes from hex text; spaces and newlines are ignored.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    precondition(digits.count % 2 == 0, "odd number of hex digits")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// Lowercase hex with a space between bytes, for readable failures.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
}

/// Runs a parser over the bytes of an array sized exactly to them, so that any
/// read past the end trips the debug bounds checks.
func parse<T>(_ bytes: [UInt8], _ parser: (UnsafeRawBufferPointer) throws -> T) throws -> T {
    try bytes.withUnsafeBytes { try parser($0) }
}

/// Expects `parser` to throw for every proper prefix of `bytes` shorter than `limit`.
func expectEveryPrefixThrows<T>(_ bytes: [UInt8], below limit: Int? = nil,
                                _ parser: (UnsafeRawBufferPointer) throws -> T,
                                sourceLocation: SourceLocation = #_sourceLocation) {
    for length in 0..<(limit ?? bytes.count) {
        let prefix = Array(bytes.prefix(length))
        #expect(throws: (any Error).self, "prefix of \(length) bytes", sourceLocation: sourceLocation) {
            _ = try parse(prefix, parser)
        }
    }
}

/// Serialises an RTCP packet value.
func serialized(_ append: (inout [UInt8]) -> Void) -> [UInt8] {
    var bytes: [UInt8] = []
    append(&bytes)
    return bytes
}
