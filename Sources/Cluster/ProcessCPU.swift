import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's CPU time, to turn into a share of the machine between two
/// readings: of its cores, or of the CPU its control group allows when that
/// is less (`CPUQuota`), so a node in a container limited to half a core
/// reads 100 % when it uses that half.
struct ProcessCPU {
    private var lastCPU: Double
    private var lastWall: Double
    private let cores: Double

    init() {
        lastCPU = Self.cpuSeconds()
        lastWall = Self.wallSeconds()
        cores = min(Double(max(ProcessInfo.processInfo.activeProcessorCount, 1)), CPUQuota.current() ?? .infinity)
    }

    /// Share of all cores used since the previous call (0...1).
    mutating func share() -> Double {
        let cpu = Self.cpuSeconds(), wall = Self.wallSeconds()
        defer { lastCPU = cpu; lastWall = wall }
        let elapsed = wall - lastWall
        guard elapsed > 0 else { return 0 }
        return min(max((cpu - lastCPU) / elapsed / cores, 0), 1)
    }

    private static func cpuSeconds() -> Double {
        var spec = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec) == 0 else { return 0 }
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    private static func wallSeconds() -> Double {
        var spec = timespec()
        guard clock_gettime(CLOCK_MONOTONIC, &spec) == 0 else { return 0 }
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
