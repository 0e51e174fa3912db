/// Regular expressions of `~` conditions: compiling, counting groups,
/// matching and `$N` substitution.
///
/// Swift's `Regex` is not `Sendable`, so a rule keeps its pattern text and
/// the regex is compiled when a call is routed (once per call; a dialplan is
/// checked when it is loaded, so that compile cannot fail in practice).
enum DialplanPattern {
    /// The compiler's message for a pattern that does not compile, else nil.
    static func compileError(_ pattern: String) -> String? {
        do {
            _ = try Regex(pattern)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    /// The number of capture groups in a pattern that compiles: `(` that is not
    /// escaped, not in a character class, and not a `(?…)` construct other
    /// than a named group (`(?<name>`, `(?P<name>`, `(?'name'`).
    static func groupCount(_ pattern: String) -> Int {
        let s = Array(pattern.unicodeScalars)
        var count = 0
        var index = 0
        var inClass = false
        func at(_ i: Int) -> Unicode.Scalar? { i < s.count ? s[i] : nil }
        while index < s.count {
            let c = s[index]
            if c == "\\" {
                index += 2
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
                index += 1
                continue
            }
            if c == "[" {
                inClass = true
                index += 1
                if at(index) == "^" { index += 1 }
                if at(index) == "]" { index += 1 } // A leading ] is literal.
                continue
            }
            if c == "(" {
                if at(index + 1) == "?" {
                    let kind = at(index + 2)
                    let isLookbehind = kind == "<" && (at(index + 3) == "=" || at(index + 3) == "!")
                    if (kind == "<" && !isLookbehind) || kind == "'" || (kind == "P" && at(index + 3) == "<") { count += 1 }
                } else if at(index + 1) != "*" {
                    count += 1
                }
            }
            index += 1
        }
        return count
    }

    /// The `$N` references of a join template, with their offsets (0-based,
    /// in Unicode scalars); a `$` not followed by a digit 1-9 is reported
    /// with a nil group.
    static func references(in template: String) -> [(offset: Int, group: Int?)] {
        let s = Array(template.unicodeScalars)
        var result: [(Int, Int?)] = []
        for (offset, c) in s.enumerated() where c == "$" {
            if offset + 1 < s.count, let digit = Int(String(s[offset + 1])), digit >= 1 {
                result.append((offset, digit))
            } else {
                result.append((offset, nil))
            }
        }
        return result
    }

    /// Replaces `$1…$9` by the captures (an unmatched optional group is empty).
    static func substitute(_ template: String, captures: [String]) -> String {
        let s = Array(template.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < s.count {
            if s[index] == "$", index + 1 < s.count, let digit = Int(String(s[index + 1])), digit >= 1 {
                if digit < captures.count { out.append(contentsOf: captures[digit].unicodeScalars) }
                index += 2
                continue
            }
            out.append(s[index])
            index += 1
        }
        return String(out)
    }

    /// The whole-match captures of a field value (index 0 is the whole
    /// value), or nil when it does not match.
    static func wholeMatch(_ pattern: String, in value: String) -> [String]? {
        guard let regex = try? Regex(pattern),
              let match = try? regex.wholeMatch(in: value) else { return nil }
        return match.output.map { $0.substring.map(String.init) ?? "" }
    }
}
