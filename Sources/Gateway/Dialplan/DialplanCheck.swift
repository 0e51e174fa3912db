/// The text of `parley dialplan check FILE [--try NUMBER]`; the executable
/// prints `output` and exits with `exitCode`.
public enum DialplanCheck {
    /// What the command prints and its exit status.
    public struct Report: Sendable, Equatable {
        /// The lines to print (ends with a newline).
        public var output: String
        /// 0 when the dialplan loads, 1 when it does not.
        public var exitCode: Int32
    }

    /// Checks a file: `OK: N rules` (after any warnings), or every
    /// diagnostic. With `trying`, also the decision for that call.
    public static func report(path: String, trying call: DialedCall? = nil) -> Report {
        let result = Result { () throws(DialplanError) in try Dialplan.load(path: path) }
        return report(result, trying: call)
    }

    /// `report(path:trying:)` for text already read.
    public static func report(text: String, fileName: String, trying call: DialedCall? = nil) -> Report {
        let result = Result { () throws(DialplanError) in try Dialplan(parsing: text, fileName: fileName) }
        return report(result, trying: call)
    }

    /// A call that dialled `number`, as `--try` means it: the number is the
    /// Request-URI user and the To user; From is a plain caller id (so rules
    /// that reject anonymous callers do not fire) unless given.
    public static func call(dialling number: String, from: String = "caller") -> DialedCall {
        DialedCall(user: number, to: number, from: from)
    }

    private static func report(_ result: Result<Dialplan, DialplanError>, trying call: DialedCall?) -> Report {
        switch result {
        case .failure(let error):
            let count = error.errors.count
            return Report(output: error.description + "\n\(count) error\(count == 1 ? "" : "s")\n", exitCode: 1)
        case .success(let dialplan):
            var output = ""
            for warning in dialplan.warnings { output += warning.description + "\n" }
            output += "OK: \(dialplan.rules.count) rule\(dialplan.rules.count == 1 ? "" : "s")\n"
            if let call {
                output += "user=\(call.user) to=\(call.to) from=\(call.from) → \(dialplan.route(call))\n"
            }
            return Report(output: output, exitCode: 0)
        }
    }
}
