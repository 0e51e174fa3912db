/// Reads a dialplan file line by line into rules and diagnostics. Every line
/// is checked, so one run reports every problem; a line's first problem is
/// the one reported for it.
struct DialplanParser {
    var fileName: String
    var rules: [DialplanRule] = []
    var diagnostics: [DialplanDiagnostic] = []

    init(fileName: String) {
        self.fileName = fileName
    }

    /// A problem at a line and column.
    struct Problem: Error {
        var column: Int
        var message: String
    }

    mutating func parse(_ text: String) {
        // Split on LF bytes: as Characters, CRLF is one grapheme and would
        // not split. A CR before the LF belongs to the line ending.
        for (offset, raw) in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let line = Substring(raw.last == 0x0D ? raw.dropLast() : raw)
            do {
                if let rule = try parseLine(line, number: offset + 1) { rules.append(rule) }
            } catch {
                diagnostics.append(DialplanDiagnostic(fileName: fileName, line: offset + 1, column: error.column,
                                                      message: error.message))
            }
        }
        if rules.isEmpty, diagnostics.isEmpty {
            diagnostics.append(DialplanDiagnostic(fileName: fileName, line: nil, column: nil,
                                                  message: "no rules (every call would be rejected with 404)"))
        }
        // Rules after one that matches every call can never run.
        if let catchAll = rules.firstIndex(where: { $0.condition == .any }), catchAll + 1 < rules.count {
            let first = rules[catchAll + 1]
            let others = rules.count - catchAll - 2
            let tail = others == 0 ? "" : " (and the \(others) after it)"
            diagnostics.append(DialplanDiagnostic(
                fileName: fileName, line: first.line, column: 1, severity: .warning,
                message: "unreachable rule\(tail): the rule on line \(rules[catchAll].line) matches every call"))
        }
        diagnostics.sort { ($0.line ?? 0, $0.column ?? 0) < ($1.line ?? 0, $1.column ?? 0) }
    }

    /// Nil for a blank or comment line.
    func parseLine(_ line: Substring, number: Int) throws(Problem) -> DialplanRule? {
        let tokens: [DialplanToken]
        switch DialplanToken.tokenize(line) {
        case .success(let list): tokens = list
        case .failure(let quote): throw Problem(column: quote.column, message: "unterminated quote")
        }
        guard let first = tokens.first else { return nil }
        guard let arrow = tokens.firstIndex(where: { $0.isKeyword("=>") }) else {
            throw Problem(column: first.column, message: "expected <condition> => <action>")
        }
        let condition = try parseCondition(Array(tokens[..<arrow]), arrow: tokens[arrow])
        let action = try parseAction(Array(tokens[(arrow + 1)...]), arrow: tokens[arrow], groups: condition.groupCount)
        let source = String(line.unicodeScalars.prefix(sourceLength(tokens, in: line)))
        return DialplanRule(line: number, source: source, condition: condition, action: action)
    }

    /// The length of the line up to the end of its last token (drops a
    /// trailing comment and blanks).
    private func sourceLength(_ tokens: [DialplanToken], in line: Substring) -> Int {
        let scalars = Array(line.unicodeScalars)
        var end = scalars.count
        if let hash = scalars.indices.first(where: { index in
            scalars[index] == "#" && (index == 0 || scalars[index - 1] == " " || scalars[index - 1] == "\t")
                && index >= (tokens.last?.column ?? 1)
        }) { end = hash }
        while end > 0, scalars[end - 1] == " " || scalars[end - 1] == "\t" { end -= 1 }
        let start = (tokens.first?.column ?? 1) - 1
        return max(end, start)
    }

    private func parseCondition(_ tokens: [DialplanToken], arrow: DialplanToken) throws(Problem) -> DialplanCondition {
        guard let fieldToken = tokens.first else {
            throw Problem(column: arrow.column, message: "missing condition before =>")
        }
        if fieldToken.isKeyword("any") {
            if tokens.count > 1 { throw Problem(column: tokens[1].column, message: "\"any\" takes no operator or pattern") }
            return .any
        }
        var tokens = tokens
        let field: DialplanField
        if !fieldToken.quoted, fieldToken.isKeyword("header") {
            // RFC 3261 §25.1: a header name is a token.
            guard tokens.count >= 2, !tokens[1].quoted, Self.isHeaderName(tokens[1].text) else {
                throw Problem(column: tokens.count >= 2 ? tokens[1].column : arrow.column,
                              message: "\"header\" needs a header name, e.g. header X-Meeting ~ ([0-9]+)")
            }
            field = .header(tokens[1].text)
            tokens.remove(at: 0)
        } else if !fieldToken.quoted, let named = DialplanField(keyword: fieldToken.text) {
            field = named
        } else {
            throw Problem(column: fieldToken.column,
                          message: "unknown field \"\(fieldToken.text)\" (expected user, to, from, did, header NAME or any)")
        }
        guard tokens.count >= 2 else {
            throw Problem(column: arrow.column, message: "missing operator after \(field.name) (expected is or ~)")
        }
        let op = tokens[1]
        guard op.isKeyword("is") || op.isKeyword("~") else {
            throw Problem(column: op.column, message: "unknown operator \"\(op.text)\" (expected is or ~)")
        }
        guard tokens.count >= 3 else { throw Problem(column: arrow.column, message: "missing pattern before =>") }
        guard tokens.count == 3 else {
            throw Problem(column: tokens[3].column,
                          message: "unexpected \"\(tokens[3].text)\" after the pattern (quote a pattern that contains spaces)")
        }
        let pattern = tokens[2]
        if op.isKeyword("is") { return .exact(field, pattern.text) }
        if let message = DialplanPattern.compileError(pattern.text) {
            throw Problem(column: pattern.column, message: "bad regular expression \"\(pattern.text)\": \(message)")
        }
        return .regex(field, pattern: pattern.text, groups: DialplanPattern.groupCount(pattern.text))
    }

    /// RFC 3261 §25.1 token characters: letters, digits and -.!%*_+`'~;
    /// starting with a letter, as every header name in use does (so an
    /// operator where the name should be is not taken for one).
    static func isHeaderName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { c in
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || "-.!%*_+`'~".unicodeScalars.contains(c)
        }
    }

    private func parseAction(_ tokens: [DialplanToken], arrow: DialplanToken,
                             groups: Int) throws(Problem) -> DialplanAction {
        guard let name = tokens.first else {
            throw Problem(column: arrow.column, message: "missing action after => (expected join, prompt or reject)")
        }
        if name.isKeyword("join") {
            guard tokens.count >= 2 else {
                throw Problem(column: name.column, message: "join needs a dial-in code, e.g. join $1")
            }
            guard tokens.count == 2 else {
                throw Problem(column: tokens[2].column, message: "unexpected \"\(tokens[2].text)\" after the dial-in code")
            }
            let template = tokens[1]
            let shift = template.quoted ? 1 : 0
            for (offset, group) in DialplanPattern.references(in: template.text) {
                let column = template.column + shift + offset
                guard let group else { throw Problem(column: column, message: "\"$\" must be followed by a group number 1-9") }
                guard group <= groups else {
                    let has = groups == 0 ? "the condition has no groups" : "the pattern has only \(groups) group\(groups == 1 ? "" : "s")"
                    throw Problem(column: column, message: "$\(group) refers to group \(group), but \(has)")
                }
            }
            return .join(template: template.text)
        }
        if name.isKeyword("prompt") {
            guard tokens.count == 1 else {
                throw Problem(column: tokens[1].column, message: "prompt takes no arguments")
            }
            return .prompt
        }
        if name.isKeyword("reject") {
            guard tokens.count >= 2 else {
                throw Problem(column: name.column, message: "reject needs a SIP status 400-699, e.g. reject 403 \"Forbidden\"")
            }
            let statusToken = tokens[1]
            guard !statusToken.quoted, statusToken.text.unicodeScalars.allSatisfy({ $0.properties.numericType == .decimal && $0.isASCII }),
                  let status = Int(statusToken.text) else {
                throw Problem(column: statusToken.column, message: "\"\(statusToken.text)\" is not a SIP status (expected 400-699)")
            }
            // Only final failure statuses can reject an INVITE (RFC 3261 §21.4-21.6).
            guard (400...699).contains(status) else {
                throw Problem(column: statusToken.column, message: "status \(status) is outside 400...699")
            }
            let reason = tokens.count > 2 ? tokens[2...].map(\.text).joined(separator: " ")
                                          : DialplanAction.defaultReason(for: status)
            return .reject(status: status, reason: reason)
        }
        throw Problem(column: name.column, message: "unknown action \"\(name.text)\" (expected join, prompt or reject)")
    }
}
