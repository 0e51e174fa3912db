import FuzzSupport
import Settings

/// TOMLDocument(parsing:) and the configuration loader built on it must return a
/// value or throw their typed error for any text; never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = FuzzInput.text(data, size)
    let parsed: TOMLDocument?
    do {
        parsed = try TOMLDocument(parsing: text)
    } catch {
        FuzzInput.log("TOML error: \(error)")
        parsed = nil
    }
    if let document = parsed {
        // Every key set has the line it was set on, within the file.
        let lineCount = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
        for (key, value) in document.values {
            guard let line = document.lines[key] else {
                FuzzInput.check(false, "key \(key) has no line")
                continue
            }
            FuzzInput.check((1...max(lineCount, 1)).contains(line), "key \(key) on line \(line) of \(lineCount)")
            FuzzInput.check(!key.isEmpty && !key.hasPrefix(".") && !key.hasSuffix("."), "malformed key \(key)")
            _ = value.text
        }
        FuzzInput.check(document.values.count == document.lines.count, "values and lines disagree")
    }
    // The whole loading path: unknown keys, range checks, HOST:PORT parsing.
    do {
        _ = try ParleyConfiguration.load(fileText: text, environment: [:])
    } catch {
        FuzzInput.log("configuration error: \(error)")
    }
    _ = try? HostAndPort(parsing: text)
    return 0
}

/// The entry point; see FuzzDriver for why a fuzz target needs one.
@main
enum Main {
    static func main() {
        FuzzDriver.run { data, size in fuzz(data ?? FuzzDriver.empty, size) }
    }
}
