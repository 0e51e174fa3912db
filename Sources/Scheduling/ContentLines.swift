/// Accumulates iCalendar content lines (RFC 5545 §3.1): `NAME;PARAM=VALUE:VALUE`,
/// CRLF-terminated and folded so no line exceeds 75 octets.
struct ContentLines {
    /// The finished text.
    private(set) var output = ""

    /// Longest physical line in octets, excluding CRLF (RFC 5545 §3.1).
    static let maximumOctets = 75

    /// Appends one property. `value` must already be in its value type's form (use
    /// `text(_:)` for TEXT); parameter values are quoted here as needed.
    mutating func append(_ name: String, _ value: String) {
        append(name, [], value)
    }

    /// Appends one property with parameters, e.g. `DTSTART;TZID=Europe/Berlin:…`.
    mutating func append(_ name: String, _ parameters: [(String, String)], _ value: String) {
        var line = name
        for (key, parameterValue) in parameters {
            line += ";\(key)=\(ContentLines.parameter(parameterValue))"
        }
        line += ":" + value
        output += ContentLines.fold(line)
        output += "\r\n"
    }

    /// Splits a logical line with CRLF + space so each physical line is at most 75
    /// octets, the leading space included, and never inside a UTF-8 sequence
    /// (RFC 5545 §3.1).
    static func fold(_ line: String) -> String {
        var result = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let width = UTF8.width(scalar)
            if octets + width > maximumOctets {
                result += "\r\n "
                octets = 1
            }
            result.unicodeScalars.append(scalar)
            octets += width
        }
        return result
    }

    /// TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon and comma are
    /// backslash-escaped, any line break becomes `\n`, and other control characters,
    /// which TEXT may not contain, are dropped.
    static func text(_ value: String) -> String {
        var result = ""
        var previousWasCR = false
        for scalar in value.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\\": result += "\\\\"
            case ";": result += "\\;"
            case ",": result += "\\,"
            case "\r": result += "\\n"
            case "\n": if !previousWasCR { result += "\\n" }
            case "\u{2028}", "\u{2029}": result += "\\n" // Unicode line/paragraph separators
            case "\t": result.unicodeScalars.append(scalar)
            default:
                if !isControl(scalar) { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }

    /// A parameter value (RFC 5545 §3.2): controls dropped, DQUOTE (not allowed in a
    /// value) replaced by an apostrophe, and quoted when it contains `:`, `;`, `,` or
    /// a space.
    static func parameter(_ value: String) -> String {
        var cleaned = ""
        for scalar in value.unicodeScalars where !isControl(scalar) {
            cleaned.unicodeScalars.append(scalar == "\"" ? "'" : scalar)
        }
        let needsQuotes = cleaned.isEmpty || cleaned.unicodeScalars.contains { $0 == ":" || $0 == ";" || $0 == "," || $0 == " " }
        return needsQuotes ? "\"\(cleaned)\"" : cleaned
    }

    /// A URI or CAL-ADDRESS value: not escaped (RFC 5545 §3.3.13), but controls and
    /// surrounding spaces removed so it can't break the line structure.
    static func uri(_ value: String) -> String {
        var cleaned = ""
        for scalar in value.unicodeScalars where !isControl(scalar) {
            cleaned.unicodeScalars.append(scalar)
        }
        return cleaned.trimmingSpaces()
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
            || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}

private extension String {
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " }),
              let last = scalars.lastIndex(where: { $0 != " " })
        else { return "" }
        return String(scalars[first...last])
    }
}
