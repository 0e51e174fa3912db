import CLibFuzzer
import Foundation

/// Starts libFuzzer from a Swift `@main`.
///
/// SwiftPM (tools version ≥ 5.5, Linux) compiles an executable target's entry
/// point as `<Target>_main` and links with `--defsym main=<Target>_main`, so that
/// tests can link the executable's code. That `main` displaces the one libFuzzer
/// brings (compiler-rt's FuzzerMain.cpp), and a target with only
/// `LLVMFuzzerTestOneInput` then fails to link ("undefined symbol
/// 'FuzzTOML_main'"). Each fuzz target therefore has a `@main` that hands its
/// callback to libFuzzer's documented driver entry point, LLVMFuzzerRunDriver.
public enum FuzzDriver {
    public typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer with the process arguments and exits with its status.
    public static func run(_ callback: Callback) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv, callback)
        exit(status)
    }

    /// When the environment variable `variable` names a directory, writes a
    /// target's built-in seeds there (one file per name) and returns true:
    /// the target then exits instead of fuzzing.
    public static func writeSeeds(ifAskedBy variable: String, _ seeds: () -> [String: [UInt8]]) -> Bool {
        guard let directory = ProcessInfo.processInfo.environment[variable] else { return false }
        for (name, bytes) in seeds() {
            _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(bytes))
        }
        return true
    }

    /// A valid pointer for an empty input, should libFuzzer ever pass NULL.
    nonisolated(unsafe) public static let empty: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()
}
