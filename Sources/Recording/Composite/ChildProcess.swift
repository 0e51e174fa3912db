import Foundation
import Synchronization

/// Runs one program to completion with Foundation's `Process`, reading its
/// stdout line by line and keeping the tail of its stderr.
///
/// Both pipes are drained on their own threads from the start, so a chatty
/// stderr can never fill its pipe and stall the child while we wait on stdout.
/// Task cancellation kills the child, and `run` returns only after it has exited.
///
/// Cancellation uses SIGKILL, not SIGTERM: `Process` spawns from a Dispatch
/// worker thread, whose signal mask blocks SIGTERM and SIGINT, and the child
/// inherits that mask (posix_spawn keeps it, `Process` offers no way to reset
/// it), so a SIGTERM would stay pending. The output of a cancelled job is
/// thrown away, so ffmpeg has nothing to finish.
final class ChildProcess: Sendable {
    struct Result: Sendable, Equatable {
        /// Exit status, or 128 + the signal number when a signal ended it.
        var status: Int32
        /// The last lines of stderr (each cut to 1000 characters).
        var stderrTail: [String]
    }

    private struct State {
        var continuation: CheckedContinuation<Result, any Error>?
        var pid: Int32 = 0
        var launched = false
        var exitStatus: Int32?
        var stdoutDone = false
        var stderrDone = false
        var tail: [String] = []
        var cancelled = false
    }

    private let executable: String
    private let arguments: [String]
    private let tailLines: Int
    private let onOutputLine: @Sendable (Substring) -> Void
    private let state = Mutex(State())

    init(executable: String, arguments: [String], tailLines: Int = 20,
         onOutputLine: @escaping @Sendable (Substring) -> Void) {
        self.executable = executable
        self.arguments = arguments
        self.tailLines = tailLines
        self.onOutputLine = onOutputLine
    }

    /// Runs the program; throws ``CompositeError/launchFailed(executable:reason:)``
    /// or `CancellationError` (after the child is gone).
    func run() async throws -> Result {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                start(continuation)
            }
        } onCancel: {
            cancel()
        }
    }

    private func start(_ continuation: CheckedContinuation<Result, any Error>) {
        let alreadyCancelled = state.withLock { state in
            state.continuation = continuation
            return state.cancelled
        }
        if alreadyCancelled {
            resume(throwing: CancellationError())
            return
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        process.terminationHandler = { [self] process in
            let signalled = process.terminationReason == .uncaughtSignal
            exited(status: signalled ? 128 + process.terminationStatus : process.terminationStatus)
        }
        do {
            try process.run()
        } catch {
            try? stdout.fileHandleForReading.close()
            try? stderr.fileHandleForReading.close()
            resume(throwing: CompositeError.launchFailed(executable: executable, reason: "\(error)"))
            return
        }
        // Process.run() closes our copies of the pipes' write ends, so the
        // readers see end of file once the child (and anything it spawned) exits.

        let pid = process.processIdentifier
        let cancelledMeanwhile = state.withLock { state in
            state.pid = pid
            state.launched = true
            return state.cancelled
        }
        if cancelledMeanwhile { kill() }

        let outHandle = stdout.fileHandleForReading
        let errHandle = stderr.fileHandleForReading
        Thread.detachNewThread { [self] in
            Self.readLines(from: outHandle) { onOutputLine($0) }
            try? outHandle.close()
            state.withLock { $0.stdoutDone = true }
            finishIfDone()
        }
        Thread.detachNewThread { [self] in
            let limit = tailLines
            Self.readLines(from: errHandle) { line in
                state.withLock { state in
                    state.tail.append(String(line.prefix(1000)))
                    if state.tail.count > limit { state.tail.removeFirst(state.tail.count - limit) }
                }
            }
            try? errHandle.close()
            state.withLock { $0.stderrDone = true }
            finishIfDone()
        }
    }

    private func exited(status: Int32) {
        state.withLock { $0.exitStatus = status }
        finishIfDone()
    }

    private func finishIfDone() {
        let outcome: (CheckedContinuation<Result, any Error>, Result, Bool)? = state.withLock { state in
            guard let status = state.exitStatus, state.stdoutDone, state.stderrDone,
                  let continuation = state.continuation
            else { return nil }
            state.continuation = nil
            return (continuation, Result(status: status, stderrTail: state.tail), state.cancelled)
        }
        guard let (continuation, result, cancelled) = outcome else { return }
        if cancelled {
            continuation.resume(throwing: CancellationError())
        } else {
            continuation.resume(returning: result)
        }
    }

    private func resume(throwing error: any Error) {
        let continuation = state.withLock { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(throwing: error)
    }

    private func cancel() {
        let running = state.withLock { state in
            state.cancelled = true
            return state.launched && state.exitStatus == nil
        }
        if running { kill() }
    }

    /// SIGKILL, while the child has not been reaped (so its pid is still ours).
    private func kill() {
        state.withLock { state in
            guard state.launched, state.exitStatus == nil, state.pid > 0 else { return }
            _ = Foundation.kill(state.pid, SIGKILL)
        }
    }

    /// Reads `handle` to end of file, calling `body` for each line (without
    /// its newline; a last line without one is delivered too).
    private static func readLines(from handle: FileHandle, _ body: (Substring) -> Void) {
        let descriptor = handle.fileDescriptor
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            pending.append(contentsOf: buffer[0..<count])
            var lineStart = 0
            while let newline = pending[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > lineStart, pending[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                body(Substring(String(decoding: pending[lineStart..<end], as: UTF8.self)))
                lineStart = newline + 1
            }
            pending.removeFirst(lineStart)
            // A runaway line without newlines must not grow without bound.
            if pending.count > 1 << 20 { pending.removeFirst(pending.count - (1 << 16)) }
        }
        if !pending.isEmpty {
            body(Substring(String(decoding: pending, as: UTF8.self)))
        }
    }
}
