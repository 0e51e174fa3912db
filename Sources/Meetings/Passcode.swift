/// Comparing passcodes, on a keyboard and on a phone's keypad.
public enum Passcode {
    /// The passcode as a caller types it: digits stay, letters become their
    /// keypad digit (ITU E.161: ABC=2 … WXYZ=9), anything else is skipped.
    /// Nil when nothing typeable is left.
    public static func keypad(_ passcode: String) -> String? {
        let digits = String(passcode.lowercased().compactMap(keypadDigit))
        return digits.isEmpty ? nil : digits
    }

    /// The keypad digit a character is typed with (ITU E.161), if any.
    public static func keypadDigit(_ c: Character) -> Character? {
        if c.isASCII, c.isNumber { return c }
        let groups: [(String, Character)] = [("abc", "2"), ("def", "3"), ("ghi", "4"), ("jkl", "5"),
                                             ("mno", "6"), ("pqrs", "7"), ("tuv", "8"), ("wxyz", "9")]
        return groups.first { $0.0.contains(c) }?.1
    }

    /// Whether `given` is the passcode: byte for byte in constant time for a
    /// keyboard (a guess learns nothing from timing), or in keypad digits for a
    /// phone. Passcodes longer than 32 characters never match.
    public static func matches(_ given: String, _ passcode: String, keypad: Bool) -> Bool {
        guard given.count <= 32, !passcode.isEmpty else { return false }
        if keypad {
            guard let expected = Self.keypad(passcode) else { return false }
            return constantTimeEqual(given, expected)
        }
        return constantTimeEqual(given, passcode)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
