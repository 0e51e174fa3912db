/// Byte-level helpers shared by the parser and the typed accessors.
///
/// Splitting and number parsing work on UTF-8 bytes rather than `Character`s:
/// a space followed by a combining mark is one `Character`, so splitting on
/// `Character(" ")` would not split there, while the grammar (RFC 8866 §9) is
/// defined on octets.
enum SDPSyntax {
    /// `token-char` of RFC 8866 §9.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x23...0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x30...0x39, 0x41...0x5A, 0x5E...0x7E: true
        default: false
        }
    }

    /// A non-empty run of `token-char`s (RFC 8866 §9 `token`).
    static func isToken(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenByte)
    }

    /// An unsigned decimal made of ASCII digits only: no sign, no spaces (Swift's
    /// `UInt8("+5")` would accept a sign). Nil on overflow.
    static func decimal<T: FixedWidthInteger & UnsignedInteger>(_ text: some StringProtocol, as _: T.Type = T.self) -> T? {
        var value: T = 0
        var any = false
        for byte in text.utf8 {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(T(byte - 0x30))
            if overflow1 || overflow2 { return nil }
            value = sum
            any = true
        }
        return any ? value : nil
    }

    /// Fields separated by runs of SP (0x20), split at the byte level.
    static func fields(_ text: some StringProtocol) -> [Substring] {
        let whole = Substring(text)
        return whole.utf8.split(separator: 0x20).map { Substring($0) }
    }

    /// The text before the first occurrence of `byte` and the text after it, or
    /// nil when the byte does not occur.
    static func split(_ text: some StringProtocol, at byte: UInt8) -> (Substring, Substring)? {
        let whole = Substring(text)
        guard let index = whole.utf8.firstIndex(of: byte) else { return nil }
        let after = whole.utf8.index(after: index)
        return (Substring(whole.utf8[..<index]), Substring(whole.utf8[after...]))
    }

    /// The first field and the rest of the text after the run of spaces that ends
    /// it (the rest keeps inner spacing verbatim); the rest is empty when there is
    /// only one field.
    static func firstField(_ text: some StringProtocol) -> (Substring, Substring) {
        let whole = Substring(text)
        let utf8 = whole.utf8
        guard let space = utf8.firstIndex(of: 0x20) else { return (whole, whole[whole.endIndex...]) }
        var rest = space
        while rest < utf8.endIndex, utf8[rest] == 0x20 { rest = utf8.index(after: rest) }
        return (Substring(utf8[..<space]), Substring(utf8[rest...]))
    }

    /// Trims SP and HTAB from both ends (fmtp parameters are often written
    /// `a=1; b=2`).
    static func trimmed(_ text: some StringProtocol) -> Substring {
        let whole = Substring(text)
        let utf8 = whole.utf8
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, utf8[start] == 0x20 || utf8[start] == 0x09 { start = utf8.index(after: start) }
        while end > start {
            let before = utf8.index(before: end)
            guard utf8[before] == 0x20 || utf8[before] == 0x09 else { break }
            end = before
        }
        return Substring(utf8[start..<end])
    }

    /// Whether two ASCII strings are equal ignoring ASCII case (codec names,
    /// hash function names).
    static func equalsIgnoringCase(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        return zip(x, y).allSatisfy { lower($0) == lower($1) }
    }

    /// ASCII lower-casing of one byte.
    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    /// ASCII lower-casing (leaves other scalars alone, unlike `lowercased()`,
    /// which is locale-free but Unicode-aware and may change lengths).
    static func asciiLowercased(_ text: some StringProtocol) -> String {
        String(decoding: text.utf8.map(lower), as: UTF8.self)
    }
}
