import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server of the test's own (Debian's binaries, a temporary
/// data directory, loopback), which the test may stop and start again to
/// take the database away from a node.
final class ThrowawayPostgres: @unchecked Sendable {
    let port: Int
    let directory: URL
    private let bin: String

    /// Debian's PostgreSQL server binaries (the newest version installed).
    static var binaries: String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap { Int($0) }.sorted()
        for version in versions.reversed() where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        return nil
    }

    /// In CI a missing server fails the suite instead of skipping it.
    static var required: Bool { binaries != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    init(port: Int) async throws {
        guard let bin = Self.binaries else { throw PostgresError(message: "PostgreSQL server binaries not found") }
        self.bin = bin
        self.port = port
        directory = URL(fileURLWithPath: "/tmp/parley-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if getuid() == 0 { _ = try await Self.run("/bin/chown", ["postgres", directory.path]) }
        try await asPostgres("initdb", ["-D", directory.appendingPathComponent("data").path, "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        try await start()
        try await asPostgres("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "parley"])
    }

    var url: String { "postgres://postgres@127.0.0.1:\(port)/parley" }

    /// The postmaster, run in the foreground as a child of the test (a
    /// daemon started by `pg_ctl` would inherit the pipe Foundation watches
    /// for its child's exit, and `pg_ctl` would never seem to finish).
    private var server: Process?
    private final class Flag: Sendable {
        let value = Mutex(true)
    }
    private let exitedFlag = Flag()

    func start() async throws {
        let process = Process()
        let postgres = ["\(bin)/postgres", "-D", directory.appendingPathComponent("data").path, "-c", "listen_addresses=127.0.0.1",
                        "-p", "\(port)", "-k", directory.path, "-c", "fsync=off"]
        if getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=postgres", "--regid=postgres", "--init-groups"] + postgres
        } else {
            process.executableURL = URL(fileURLWithPath: postgres[0])
            process.arguments = Array(postgres.dropFirst())
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let exited = exitedFlag
        exited.value.withLock { $0 = false }
        process.terminationHandler = { _ in exited.value.withLock { $0 = true } }
        try process.run()
        server = process
        for _ in 0..<200 {
            if Self.accepts(port: port) { return }
            if exited.value.withLock({ $0 }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PostgresError(message: "PostgreSQL did not start on port \(port)")
    }

    /// Stops the server the hard way (SIGQUIT: immediate shutdown, as a
    /// crash or a pulled cable would leave it).
    func stop() async throws {
        guard let server, !exitedFlag.value.withLock({ $0 }) else { return }
        kill(server.processIdentifier, SIGQUIT)
        for _ in 0..<200 where !exitedFlag.value.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
        self.server = nil
    }

    func remove() async {
        try? await stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private func asPostgres(_ tool: String, _ arguments: [String]) async throws {
        let status = getuid() == 0
            ? try await Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", "\(bin)/\(tool)"] + arguments)
            : try await Self.run("\(bin)/\(tool)", arguments)
        guard status == 0 else { throw PostgresError(message: "\(tool) exited with \(status)") }
    }

    /// Runs a tool to its end without parking a thread (its termination
    /// handler resumes the task; `waitUntilExit` would hold one of the few
    /// cooperative threads).
    private static func run(_ path: String, _ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return process.terminationStatus
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

struct PostgresError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
