import Foundation
import Testing
@testable import Gateway

@Suite("Dialplans")
struct DialplanTests {
    /// The repository's Dialplans/ folder (this file is Tests/GatewayTests/Dialplan/…).
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Dialplans")

    static func load(_ name: String) throws -> Dialplan {
        try Dialplan.load(path: folder.appendingPathComponent(name).path)
    }

    /// The diagnostics of a text that must not load.
    static func diagnostics(_ text: String) -> [String] {
        do {
            _ = try Dialplan(parsing: text, fileName: "test.dialplan")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    static func call(_ user: String, to: String? = nil, from: String = "alice") -> DialedCall {
        DialedCall(user: user, to: to ?? user, from: from)
    }

    @Test("The shipped default dialplan loads and routes")
    func defaultDialplan() throws {
        let plan = try Self.load("default.dialplan")
        #expect(plan.rules.count == 2)
        #expect(plan.warnings.isEmpty)
        #expect(plan.fileName == "default.dialplan")
        let join = plan.route(Self.call("123456"))
        #expect(join.decision == .join(dialInCode: "123456"))
        #expect(join.rule?.line == plan.rules[0].line)
        #expect(join.rule?.source == "user ~ ([0-9]{6,12})   => join $1")
        #expect(plan.route(Self.call("parley")).decision == .prompt)
        #expect(plan.route(Self.call("12345")).decision == .prompt) // too short for a code
        #expect(plan.route(Self.call("1234567890123")).decision == .prompt) // too long
    }

    @Test("The shipped examples load and route")
    func examples() throws {
        let plan = try Self.load("examples.dialplan")
        #expect(plan.warnings.isEmpty)
        #expect(plan.route(Self.call("123456", from: "anonymous")).decision ==
                .reject(status: 433, reason: "Anonymity Disallowed"))
        #expect(plan.route(Self.call("123456", from: "Restricted")).decision ==
                .reject(status: 403, reason: "No anonymous calls"))
        #expect(plan.route(Self.call("trunk", to: "+4930123456701")).decision == .join(dialInCode: "100200300"))
        #expect(plan.route(Self.call("trunk", to: "+4930123456700")).decision == .prompt)
        #expect(plan.route(Self.call("trunk", to: "+4930123457987654")).decision == .join(dialInCode: "987654"))
        #expect(plan.route(Self.call("8123456")).decision == .join(dialInCode: "123456"))
        #expect(plan.route(Self.call("555666777")).decision == .join(dialInCode: "555666777"))
        #expect(plan.route(Self.call("LOBBY")).decision == .prompt)
        let other = plan.route(Self.call("bob"))
        #expect(other.decision == .reject(status: 404, reason: "No such meeting"))
        #expect(other.description.hasPrefix("reject 404 \"No such meeting\" (line "))
    }

    @Test("No match: reject 404, no rule")
    func noMatch() throws {
        let plan = try Dialplan(parsing: "user is lobby => prompt\n")
        let route = plan.route(Self.call("bob"))
        #expect(route == DialplanRoute(decision: .reject(status: 404, reason: "Not Found"), rule: nil))
        #expect(route.description == "reject 404 \"Not Found\" (no rule matched)")
    }

    @Test("Rules: groups, literal text around $N, case, quotes, comments, CRLF")
    func routing() throws {
        let text = """
            # comment
            user ~ "0 ([0-9]+)"     => join 9$1   # a quoted pattern with a space
            to ~ (1)?([0-9]{3})     => join $1    # empty when the optional group misses: next rule
            to ~ (?<area>[0-9]{3})x => join $1
            from IS "Mallory"       => REJECT 486
            user ~ (?i)[a-z]+#x     => prompt
            user is "=>"            => prompt
            """.replacingOccurrences(of: "\n", with: "\r\n")
        let plan = try Dialplan(parsing: text)
        #expect(plan.rules.count == 6)
        #expect(plan.route(Self.call("0 42")).decision == .join(dialInCode: "942"))
        #expect(plan.route(Self.call("x", to: "1234")).decision == .join(dialInCode: "1"))
        #expect(plan.route(Self.call("x", to: "234")).decision == .reject(status: 404, reason: "Not Found"))
        #expect(plan.route(Self.call("x", to: "234x")).decision == .join(dialInCode: "234"))
        #expect(plan.route(Self.call("x", from: "mallory")).decision == .reject(status: 486, reason: "Busy Here"))
        #expect(plan.route(Self.call("AbC#x")).decision == .prompt)
        #expect(plan.route(Self.call("=>")).decision == .prompt)
        #expect(plan.rules[0].source == "user ~ \"0 ([0-9]+)\"     => join 9$1")
        #expect(plan.rules[2].condition == .regex(.to, pattern: "(?<area>[0-9]{3})x", groups: 1))
    }

    @Test("Each error kind, with its line and column")
    func errors() {
        #expect(Self.diagnostics("\n\nuser ~ ([0-9]+) => jion $1") ==
                ["test.dialplan:3:20: unknown action \"jion\" (expected join, prompt or reject)"])
        #expect(Self.diagnostics("usr is 1 => prompt") ==
                ["test.dialplan:1:1: unknown field \"usr\" (expected user, to, from, did, header NAME or any)"])
        #expect(Self.diagnostics("user = 1 => prompt") ==
                ["test.dialplan:1:6: unknown operator \"=\" (expected is or ~)"])
        #expect(Self.diagnostics("user ~ ([0-9] => prompt") ==
                ["test.dialplan:1:8: bad regular expression \"([0-9]\": expected ')'"])
        #expect(Self.diagnostics("user ~ ([0-9]+) => join $2") ==
                ["test.dialplan:1:25: $2 refers to group 2, but the pattern has only 1 group"])
        #expect(Self.diagnostics("user is 1 => join \"x$1\"") ==
                ["test.dialplan:1:21: $1 refers to group 1, but the condition has no groups"])
        #expect(Self.diagnostics("user ~ (1) => join $x") ==
                ["test.dialplan:1:20: \"$\" must be followed by a group number 1-9"])
        #expect(Self.diagnostics("any => reject 200") == ["test.dialplan:1:15: status 200 is outside 400...699"])
        #expect(Self.diagnostics("any => reject 700 \"x\"") == ["test.dialplan:1:15: status 700 is outside 400...699"])
        #expect(Self.diagnostics("any => reject soon") ==
                ["test.dialplan:1:15: \"soon\" is not a SIP status (expected 400-699)"])
        #expect(Self.diagnostics("any => reject") ==
                ["test.dialplan:1:8: reject needs a SIP status 400-699, e.g. reject 403 \"Forbidden\""])
        #expect(Self.diagnostics("any => reject 403 \"No anonymous calls") == ["test.dialplan:1:19: unterminated quote"])
        #expect(Self.diagnostics("user is 1 prompt") == ["test.dialplan:1:1: expected <condition> => <action>"])
        #expect(Self.diagnostics("=> prompt") == ["test.dialplan:1:1: missing condition before =>"])
        #expect(Self.diagnostics("user ~ => prompt") == ["test.dialplan:1:8: missing pattern before =>"])
        #expect(Self.diagnostics("user => prompt") ==
                ["test.dialplan:1:6: missing operator after user (expected is or ~)"])
        #expect(Self.diagnostics("user is a b => prompt") ==
                ["test.dialplan:1:11: unexpected \"b\" after the pattern (quote a pattern that contains spaces)"])
        #expect(Self.diagnostics("any 1 => prompt") == ["test.dialplan:1:5: \"any\" takes no operator or pattern"])
        #expect(Self.diagnostics("any =>") ==
                ["test.dialplan:1:5: missing action after => (expected join, prompt or reject)"])
        #expect(Self.diagnostics("any => prompt now") == ["test.dialplan:1:15: prompt takes no arguments"])
        #expect(Self.diagnostics("any => join") == ["test.dialplan:1:8: join needs a dial-in code, e.g. join $1"])
        #expect(Self.diagnostics("# nothing\n\n") == ["test.dialplan: no rules (every call would be rejected with 404)"])
        #expect(Self.diagnostics("") == ["test.dialplan: no rules (every call would be rejected with 404)"])
    }

    @Test("Every bad line is reported, in order, with warnings among them")
    func severalErrors() {
        let text = """
            user ~ ( => join $1
            any => prompt
            to is 1 => jion 2
            from is x => reject 99
            """
        #expect(Self.diagnostics(text) == [
            "test.dialplan:1:8: bad regular expression \"(\": expected ')'",
            "test.dialplan:3:12: unknown action \"jion\" (expected join, prompt or reject)",
            "test.dialplan:4:21: status 99 is outside 400...699",
        ])
    }

    @Test("Rules after any are unreachable: a warning, the dialplan still loads")
    func unreachable() throws {
        let plan = try Dialplan(parsing: "any => prompt\nuser is a => prompt\nuser is b => prompt\n", fileName: "x.dialplan")
        #expect(plan.warnings.map(\.description) ==
                ["x.dialplan:2:1: warning: unreachable rule (and the 1 after it): the rule on line 1 matches every call"])
        #expect(plan.route(Self.call("a")).rule?.line == 1)
    }

    @Test("Group counting ignores escapes, classes and non-capturing groups")
    func groupCount() {
        #expect(DialplanPattern.groupCount("([0-9]+)") == 1)
        #expect(DialplanPattern.groupCount("\\(([(])(?:x)(?=y)(?<n>z)(?<=a)(?'m'b)(?P<o>c)") == 4)
        #expect(DialplanPattern.groupCount("[]()]") == 0)
        #expect(DialplanPattern.groupCount("[^]()](a)") == 1)
    }

    @Test("Loading a missing file is a DialplanError")
    func missingFile() {
        #expect(throws: DialplanError.self) { try Dialplan.load(path: "/nonexistent/none.dialplan") }
    }
}

@Suite("Dialplans on damaged input")
struct DialplanFuzzTests {
    @Test("Truncations and byte mutations of the examples parse or throw, never trap")
    func damaged() throws {
        let url = DialplanTests.folder.appendingPathComponent("examples.dialplan")
        let original = Array(try String(contentsOf: url, encoding: .utf8).utf8)
        for length in stride(from: 0, through: original.count, by: 7) {
            _ = try? Dialplan(parsing: String(decoding: original[..<length], as: UTF8.self))
        }
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(truncatingIfNeeded: state & 0x7FFF_FFFF)
        }
        let interesting = Array("\"\\$()[]{}#=>~ \n\r0123456789?*+".utf8) + [0x00, 0xFF]
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<(1 + next() % 5) {
                bytes[next() % bytes.count] = interesting[next() % interesting.count]
            }
            if let plan = try? Dialplan(parsing: String(decoding: bytes, as: UTF8.self)) {
                _ = plan.route(DialedCall(user: "123456", to: "+4930123457987654", from: "anonymous"))
            }
        }
    }
}

@Suite("Dialplans: header rules and asserted callers")
struct DialplanHeaderTests {
    @Test("header NAME routes on an INVITE header, case-insensitively; a missing header matches nothing")
    func headerRule() throws {
        let plan = try Dialplan(parsing: """
            header X-Meeting ~ ([0-9]{6,12}) => join $1
            header x-department is sales => prompt
            any => reject 404
            """, fileName: "h.dialplan")
        let withHeader = DialedCall(user: "frontdesk", to: "frontdesk", from: "pbx", headers: ["x-meeting": "246810"])
        #expect(plan.route(withHeader).decision == .join(dialInCode: "246810"))
        let sales = DialedCall(user: "frontdesk", to: "frontdesk", from: "pbx", headers: ["x-department": "Sales"])
        #expect(plan.route(sales).decision == .prompt)
        guard case .reject(let status, _) = plan.route(DialedCall(user: "frontdesk", to: "frontdesk", from: "pbx")).decision else {
            Issue.record("a call without the header was not refused")
            return
        }
        #expect(status == 404)
    }

    @Test("a header rule without a name, or with a name that is no token, is an error")
    func badHeaderRules() {
        #expect(DialplanTests.diagnostics("header ~ x => prompt").contains { $0.contains("needs a header name") })
        #expect(DialplanTests.diagnostics("header X(Meeting) ~ x => prompt").contains { $0.contains("needs a header name") })
        #expect(DialplanTests.diagnostics("headers X ~ x => prompt").contains { $0.contains("unknown field") })
    }

    @Test("extension headers from sofia: lower-cased names, repeats joined, values and count capped")
    func headerLines() {
        let h = IncomingCall.headers(fromLines: "X-Meeting: 246810\nP-Asserted-Identity: <tel:+1555>\nX-Tag: a\nx-tag: b\nbroken line\n")
        #expect(h == ["x-meeting": "246810", "p-asserted-identity": "<tel:+1555>", "x-tag": "a, b"])
        let many = (0..<40).map { "X-H\($0): \(String(repeating: "v", count: 400))" }.joined(separator: "\n")
        let capped = IncomingCall.headers(fromLines: many)
        #expect(capped.count == IncomingCall.maximumHeaders)
        #expect(capped.values.allSatisfy { $0.count == 256 })
    }

    @Test("P-Asserted-Identity (RFC 3325 §9.1): name and user from sip: and tel: forms")
    func assertedIdentity() {
        #expect(AssertedIdentity(headerValue: "\"Bob Trunk\" <sip:+15557654321@trunk.example;user=phone>")
                == AssertedIdentity(displayName: "Bob Trunk", user: "+15557654321"))
        #expect(AssertedIdentity(headerValue: "<tel:+15557654321;cpc=ordinary>") == AssertedIdentity(displayName: nil, user: "+15557654321"))
        #expect(AssertedIdentity(headerValue: "Alice <sips:alice@example.org>, <tel:+1555>")
                == AssertedIdentity(displayName: "Alice", user: "alice"))
        #expect(AssertedIdentity(headerValue: "garbage") == nil)
        #expect(AssertedIdentity(headerValue: "\"unterminated <sip:x@y>") == nil)
    }
}

@Suite("DTMF in SIP INFO")
struct SIPInfoDTMFTests {
    @Test("dtmf-relay and dtmf bodies give their key; other INFOs none")
    func keys() {
        #expect(SIPInfoDTMF.key(contentType: "application/dtmf-relay", body: "Signal=5\r\nDuration=160\r\n") == "5")
        #expect(SIPInfoDTMF.key(contentType: "Application/DTMF-Relay; charset=x", body: "signal= #\nDuration=100") == "#")
        #expect(SIPInfoDTMF.key(contentType: "application/dtmf-relay", body: "Signal=11\r\n") == "#")
        #expect(SIPInfoDTMF.key(contentType: "application/dtmf-relay", body: "Signal=10\r\n") == "*")
        #expect(SIPInfoDTMF.key(contentType: "application/dtmf", body: "7") == "7")
        #expect(SIPInfoDTMF.key(contentType: "application/dtmf", body: "b") == "B")
        #expect(SIPInfoDTMF.key(contentType: "application/dtmf-relay", body: "Duration=160") == nil)
        #expect(SIPInfoDTMF.key(contentType: "application/dtmf-relay", body: "Signal=55") == nil)
        #expect(SIPInfoDTMF.key(contentType: "application/media_control+xml", body: "<picture_fast_update/>") == nil)
        #expect(SIPInfoDTMF.key(contentType: nil, body: "5") == nil)
    }
}
