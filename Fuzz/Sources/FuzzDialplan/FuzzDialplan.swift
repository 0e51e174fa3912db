import Dialplan
import FuzzSupport

/// Any text as a dialplan: it loads or throws `DialplanError` with every
/// problem on a line inside the text, never traps; a dialplan that loads
/// routes any call to a decision (a rejection's status within 400...699).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = FuzzInput.text(data, size)
    let lineCount = text.utf8.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    let plan: Dialplan
    do {
        plan = try Dialplan(parsing: text, fileName: "fuzz.dialplan")
    } catch {
        FuzzInput.check(!error.diagnostics.isEmpty, "an error without a diagnostic")
        for d in error.diagnostics {
            if let line = d.line { FuzzInput.check((1...lineCount).contains(line), "diagnostic on line \(line) of \(lineCount)") }
        }
        return 0
    }
    // Route a few calls made from the input itself.
    let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).prefix(4).map(String.init)
    for user in words + ["123456", "", "anonymous"] {
        let route = plan.route(DialedCall(user: user, to: user, from: "anonymous"))
        if case .reject(let status, _) = route.decision {
            FuzzInput.check((400...699).contains(status), "reject with status \(status)")
        }
    }
    return 0
}

/// The entry point; see FuzzDriver for why a fuzz target needs one.
@main
enum Main {
    static func main() {
        FuzzDriver.run { data, size in fuzz(data ?? FuzzDriver.empty, size) }
    }
}
