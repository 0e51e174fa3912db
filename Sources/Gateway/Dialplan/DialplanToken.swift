/// A word of a dialplan line: a run of non-blank characters or a
/// double-quoted string (with `\"` and `\\` escapes).
struct DialplanToken: Equatable {
    /// The text, without quotes and with escapes resolved.
    var text: String
    /// The 1-based column (in Unicode scalars) where the token starts.
    var column: Int
    /// Whether it was quoted (a quoted `=>` or `any` is just text).
    var quoted: Bool

    /// Whether this is the bare word `word` (keywords are case-insensitive).
    func isKeyword(_ word: String) -> Bool { !quoted && text.lowercased() == word }

    /// Splits a line into tokens. A `#` that starts a token begins a comment
    /// (so a `#` inside a pattern is fine; quote a pattern that starts with
    /// one). Returns the column of an opening quote that is never closed.
    static func tokenize(_ line: Substring) -> Result<[DialplanToken], UnterminatedQuote> {
        let scalars = Array(line.unicodeScalars)
        var tokens: [DialplanToken] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == " " || scalar == "\t" {
                index += 1
                continue
            }
            if scalar == "#" { break }
            let start = index
            var text = String.UnicodeScalarView()
            if scalar == "\"" {
                index += 1
                var closed = false
                while index < scalars.count {
                    let c = scalars[index]
                    if c == "\\", index + 1 < scalars.count, scalars[index + 1] == "\"" || scalars[index + 1] == "\\" {
                        text.append(scalars[index + 1])
                        index += 2
                        continue
                    }
                    index += 1
                    if c == "\"" {
                        closed = true
                        break
                    }
                    text.append(c)
                }
                guard closed else { return .failure(UnterminatedQuote(column: start + 1)) }
                tokens.append(DialplanToken(text: String(text), column: start + 1, quoted: true))
            } else {
                while index < scalars.count, scalars[index] != " ", scalars[index] != "\t" {
                    text.append(scalars[index])
                    index += 1
                }
                tokens.append(DialplanToken(text: String(text), column: start + 1, quoted: false))
            }
        }
        return .success(tokens)
    }

    /// The column of a quote without its closing quote.
    struct UnterminatedQuote: Error {
        var column: Int
    }
}
