import Foundation

/// CPU time and resident memory of a local process from /proc (proc(5)):
/// utime + stime (fields 14 and 15 of /proc/PID/stat, in clock ticks) and
/// VmRSS of /proc/PID/status.
public struct ProcessSampler: Sendable {
    public let pid: Int32

    public init(pid: Int32) {
        self.pid = pid
    }

    /// User + system CPU seconds so far, nil if the process is gone.
    public func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return Self.cpuSeconds(stat: stat, ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    /// Parses a stat line; the command name (field 2) may hold spaces and
    /// parentheses, so fields are counted after its last ')'.
    static func cpuSeconds(stat: String, ticksPerSecond: Double) -> Double? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so utime (14) is fields[11], stime (15) fields[12].
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / ticksPerSecond
    }

    /// Resident set size in MiB, nil if the process is gone.
    public func residentMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let digits = line.split(separator: " ").dropFirst().first
            return digits.flatMap { Double($0) }.map { $0 / 1024 }
        }
        return nil
    }
}
