import Foundation

/// The subset of TOML 1.0 that Parley's configuration uses: `[table]` and
/// `[table.sub]` headers, `[[array]]` tables, `key = value` lines, `#`
/// comments, basic ("...") and literal ('...') strings, integers, floats,
/// booleans, and one-line arrays of those. Keys come out flattened with dots:
/// `[http]` + `address` → `http.address`; the second `[[trunk]]` +
/// `uri` → `trunk.1.uri`.
///
/// It is a parser of operator-written files, so every error names its line.
public struct TOMLDocument: Sendable, Equatable {
    /// A value as written in the file.
    public enum Value: Sendable, Equatable {
        case string(String)
        case integer(Int)
        case float(Double)
        case boolean(Bool)
        case array([Value])

        /// The value in the spelling an environment variable would use, so
        /// that file, environment and flags share one conversion path.
        public var text: String {
            switch self {
            case .string(let s): s
            case .integer(let i): String(i)
            case .float(let d): String(d)
            case .boolean(let b): b ? "true" : "false"
            case .array(let values): values.map(\.text).joined(separator: ",")
            }
        }
    }

    /// Flattened key → value, with the line each key was set on.
    public private(set) var values: [String: Value] = [:]
    public private(set) var lines: [String: Int] = [:]

    public init(parsing text: String) throws(TOMLError) {
        var table = ""
        // Names declared as [table] and as [[array]] (with the array's length):
        // TOML forbids using one name both ways.
        var tables: Set<String> = []
        var arrays: [String: Int] = [:]
        // Split the bytes, not the Characters: "\r\n" is one Character in Swift,
        // so a CRLF file would otherwise look like a single line.
        for (index, rawLine) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            var scanner = Scanner(Array(rawLine), line: lineNumber)
            scanner.skipSpaces()
            if scanner.atEndOrComment { continue }
            if scanner.peek == UInt8(ascii: "[") {
                scanner.advance()
                let isArray = scanner.peek == UInt8(ascii: "[")
                if isArray { scanner.advance() }
                let key = try scanner.dottedKey()
                scanner.skipSpaces()
                for _ in 0..<(isArray ? 2 : 1) {
                    guard scanner.peek == UInt8(ascii: "]") else {
                        throw TOMLError(line: lineNumber, message: "expected '\(isArray ? "]]" : "]")' to close the table header")
                    }
                    scanner.advance()
                }
                try scanner.expectEndOfLine()
                if isArray {
                    guard !tables.contains(key) else {
                        throw TOMLError(line: lineNumber, message: "'\(key)' is a table above; [[\(key)]] cannot also be an array of tables")
                    }
                    let index = arrays[key, default: 0]
                    arrays[key] = index + 1
                    table = "\(key).\(index)"
                } else {
                    guard arrays[key] == nil else {
                        throw TOMLError(line: lineNumber, message: "'\(key)' is an array of tables above ([[\(key)]]); [\(key)] cannot also be a table")
                    }
                    tables.insert(key)
                    table = key
                }
                continue
            }
            let key = try scanner.dottedKey()
            scanner.skipSpaces()
            guard scanner.peek == UInt8(ascii: "=") else {
                throw TOMLError(line: lineNumber, message: "expected '=' after the key '\(key)'")
            }
            scanner.advance()
            scanner.skipSpaces()
            let value = try scanner.value(depth: 0)
            try scanner.expectEndOfLine()
            let fullKey = table.isEmpty ? key : table + "." + key
            if values[fullKey] != nil {
                throw TOMLError(line: lineNumber, message: "the key '\(fullKey)' is set twice")
            }
            values[fullKey] = value
            lines[fullKey] = lineNumber
        }
    }
}

/// A TOML syntax error with the line it was found on.
public struct TOMLError: Error, Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// A cursor over one line's bytes.
private struct Scanner {
    let bytes: [UInt8]
    let line: Int
    var index = 0

    init(_ bytes: [UInt8], line: Int) {
        // Tolerate CRLF files.
        self.bytes = bytes.last == UInt8(ascii: "\r") ? Array(bytes.dropLast()) : bytes
        self.line = line
    }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    var atEndOrComment: Bool { peek == nil || peek == UInt8(ascii: "#") }
    mutating func advance() { index += 1 }
    mutating func skipSpaces() {
        while let b = peek, b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { index += 1 }
    }
    func error(_ message: String) -> TOMLError { TOMLError(line: line, message: message) }

    mutating func expectEndOfLine() throws(TOMLError) {
        skipSpaces()
        guard atEndOrComment else { throw error("unexpected text after the value") }
    }

    mutating func dottedKey() throws(TOMLError) -> String {
        var parts: [String] = []
        repeat {
            skipSpaces()
            if !parts.isEmpty {
                advance()  // the dot
                skipSpaces()
            }
            let start = index
            while let b = peek, isBareKeyByte(b) { index += 1 }
            guard index > start else { throw error("expected a key (letters, digits, '_' or '-')") }
            parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
            skipSpaces()
        } while peek == UInt8(ascii: ".")
        return parts.joined(separator: ".")
    }

    private func isBareKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
    }

    mutating func value(depth: Int) throws(TOMLError) -> TOMLDocument.Value {
        guard let b = peek else { throw error("expected a value after '='") }
        switch b {
        case UInt8(ascii: "\""): return .string(try basicString())
        case UInt8(ascii: "'"): return .string(try literalString())
        case UInt8(ascii: "["):
            guard depth < 8 else { throw error("arrays are nested too deeply") }
            advance()
            var items: [TOMLDocument.Value] = []
            while true {
                skipSpaces()
                if peek == UInt8(ascii: "]") { advance(); break }
                items.append(try value(depth: depth + 1))
                skipSpaces()
                if peek == UInt8(ascii: ",") { advance(); continue }
                skipSpaces()
                guard peek == UInt8(ascii: "]") else { throw error("expected ',' or ']' in the array") }
            }
            return .array(items)
        default:
            let start = index
            while let c = peek, c != UInt8(ascii: " "), c != UInt8(ascii: "\t"), c != UInt8(ascii: "#"),
                c != UInt8(ascii: ","), c != UInt8(ascii: "]")
            {
                index += 1
            }
            let word = String(decoding: bytes[start..<index], as: UTF8.self)
            if word == "true" { return .boolean(true) }
            if word == "false" { return .boolean(false) }
            let digits = word.replacingOccurrences(of: "_", with: "")
            if let i = Int(digits) { return .integer(i) }
            if digits.contains("."), let d = Double(digits), d.isFinite { return .float(d) }
            throw error("'\(word)' is not a value: strings need quotes")
        }
    }

    private mutating func basicString() throws(TOMLError) -> String {
        advance()
        var out: [UInt8] = []
        while let b = peek {
            advance()
            switch b {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = peek else { throw error("the string ends inside an escape") }
                advance()
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "\""): out.append(e)
                case UInt8(ascii: "\\"): out.append(e)
                default: throw error("unknown escape '\\\(Character(Unicode.Scalar(e)))' in a string")
                }
            default:
                out.append(b)
            }
        }
        throw error("the string is not closed with '\"'")
    }

    private mutating func literalString() throws(TOMLError) -> String {
        advance()
        let start = index
        while let b = peek, b != UInt8(ascii: "'") { index += 1 }
        guard peek != nil else { throw error("the string is not closed with \"'\"") }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        advance()
        return text
    }
}
