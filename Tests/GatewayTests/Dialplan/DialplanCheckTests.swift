import Foundation
import Testing
@testable import Gateway

@Suite("parley dialplan check")
struct DialplanCheckTests {
    @Test("OK with the rule count")
    func ok() {
        let path = DialplanTests.folder.appendingPathComponent("default.dialplan").path
        #expect(DialplanCheck.report(path: path) == DialplanCheck.Report(output: "OK: 2 rules\n", exitCode: 0))
    }

    @Test("--try prints the decision and the rule")
    func tryNumber() {
        let path = DialplanTests.folder.appendingPathComponent("default.dialplan").path
        let report = DialplanCheck.report(path: path, trying: DialplanCheck.call(dialling: "123456"))
        #expect(report.exitCode == 0)
        #expect(report.output == """
            OK: 2 rules
            user=123456 to=123456 from=caller → join 123456 (line 36: user ~ ([0-9]{6,12})   => join $1)

            """)
        let prompt = DialplanCheck.report(path: path, trying: DialplanCheck.call(dialling: "lobby"))
        #expect(prompt.output.hasSuffix("→ prompt (line 39: any                     => prompt)\n"))
    }

    @Test("Errors and warnings are listed; failure exits 1")
    func failures() {
        let bad = DialplanCheck.report(text: "user ~ ( => join $1\nany => jion 1\n", fileName: "bad.dialplan")
        #expect(bad == DialplanCheck.Report(output: """
            bad.dialplan:1:8: bad regular expression "(": expected ')'
            bad.dialplan:2:8: unknown action "jion" (expected join, prompt or reject)
            2 errors

            """, exitCode: 1))
        let warned = DialplanCheck.report(text: "any => prompt\nuser is a => prompt\n", fileName: "w.dialplan")
        #expect(warned.output == """
            w.dialplan:2:1: warning: unreachable rule: the rule on line 1 matches every call
            OK: 2 rules

            """)
        #expect(warned.exitCode == 0)
        let missing = DialplanCheck.report(path: "/nonexistent/x.dialplan")
        #expect(missing.exitCode == 1)
        #expect(missing.output.hasPrefix("/nonexistent/x.dialplan: cannot read the file"))
    }
}
