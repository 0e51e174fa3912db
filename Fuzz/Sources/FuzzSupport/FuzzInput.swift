import Foundation

/// Helpers shared by the fuzz targets: turning libFuzzer's bytes into inputs and
/// reporting a broken property so libFuzzer records the input as a crash.
public enum FuzzInput {
    /// The input bytes.
    public static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The input as text, decoded the way the server decodes request bodies:
    /// invalid UTF-8 becomes U+FFFD.
    public static func text(_ data: UnsafePointer<UInt8>, _ size: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    }

    /// Prints what broke and traps, so libFuzzer saves the input (crash-<sha1>).
    /// `precondition` would do, but its message alone rarely says which input
    /// field mattered.
    public static func check(_ condition: Bool, _ message: @autoclosure () -> String,
                             file: StaticString = #fileID, line: UInt = #line) {
        if !condition {
            FileHandle.standardError.write(Data("\nFUZZ PROPERTY BROKEN (\(file):\(line)): \(message())\n".utf8))
            preconditionFailure(message(), file: file, line: line)
        }
    }

    /// A stable 32-bit FNV-1a hash (Swift's `Hasher` is seeded per process, which
    /// would make crashes irreproducible).
    public static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }

    /// Zones whose rules stress wall-time arithmetic: no offset, ordinary DST both
    /// hemispheres, half-hour and 45-minute offsets and DST, negative DST, a
    /// skipped calendar day, ±14 h offsets, a two-hour DST, and a zone whose DST
    /// is suspended every Ramadan (several changes a year).
    public static let zones: [TimeZone] = [
        "UTC", "Europe/Berlin", "America/New_York", "America/Sao_Paulo", "Australia/Lord_Howe",
        "Asia/Kolkata", "America/St_Johns", "Europe/Dublin", "Pacific/Apia", "Pacific/Kiritimati",
        "Pacific/Niue", "Pacific/Chatham", "Antarctica/Troll", "Africa/Casablanca", "Asia/Kathmandu",
        "Europe/Moscow",
    ].map { id in
        guard let zone = TimeZone(identifier: id) else {
            fatalError("time zone \(id) is missing: install tzdata")
        }
        return zone
    }

    /// FUZZ_VERBOSE=1 makes targets print what they built from an input, for
    /// reading a crash: `FUZZ_VERBOSE=1 .build/debug/FuzzICalendar crash-…`.
    public static let verbose = ProcessInfo.processInfo.environment["FUZZ_VERBOSE"] != nil

    /// Prints to standard error when verbose.
    public static func log(_ message: @autoclosure () -> String) {
        if verbose { FileHandle.standardError.write(Data((message() + "\n").utf8)) }
    }

    /// Unicode scalars, for comparisons that must not treat canonically
    /// equivalent strings as equal.
    public static func scalars(_ s: String) -> [Unicode.Scalar] { Array(s.unicodeScalars) }
}
