import Foundation

/// CPU time of this process (all threads) or of its waited-for children, and
/// its resident memory: what the capture and composite figures are made of.
struct ProcessUsage {
    /// User + system CPU seconds.
    var cpuSeconds: Double
    var at: ContinuousClock.Instant

    /// This process: `getrusage(RUSAGE_SELF)`, every thread.
    static func current() -> ProcessUsage {
        ProcessUsage(cpuSeconds: cpu(RUSAGE_SELF.rawValue), at: .now)
    }

    /// Children that have exited and been waited for (ffmpeg, through `nice`).
    static func children() -> ProcessUsage {
        ProcessUsage(cpuSeconds: cpu(RUSAGE_CHILDREN.rawValue), at: .now)
    }

    /// CPU % since `earlier`: 100 is one core busy, 200 both of a 2-core machine.
    func percent(since earlier: ProcessUsage) -> Double {
        let wall = (at - earlier.at).seconds
        return wall > 0 ? (cpuSeconds - earlier.cpuSeconds) / wall * 100 : 0
    }

    /// VmRSS from /proc/self/status, MiB (0 where there is no /proc).
    static func residentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kilobytes / 1024
    }

    /// CPU seconds of each thread of this process, by thread id, with its
    /// name (/proc/self/task/*/stat: comm, then utime and stime in clock ticks, proc(5)).
    static func threads() -> [Int: (name: String, seconds: Double)] {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard ticks > 0, let ids = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return [:] }
        var result: [Int: (name: String, seconds: Double)] = [:]
        for id in ids {
            guard let tid = Int(id), let stat = try? String(contentsOfFile: "/proc/self/task/\(id)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            let name = String(stat[stat.index(after: open)..<close])
            // After the name: state is field 3, utime 14, stime 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            result[tid] = (name, (user + system) / ticks)
        }
        return result
    }

    /// The thread that used most CPU between two `threads()` readings `wall` seconds apart: its name and CPU %.
    static func busiestThread(from before: [Int: (name: String, seconds: Double)], to after: [Int: (name: String, seconds: Double)],
                              wall: Double) -> (name: String, percent: Double) {
        var best = (name: "-", percent: 0.0)
        for (tid, now) in after {
            let percent = (now.seconds - (before[tid]?.seconds ?? 0)) / max(wall, 0.001) * 100
            if percent > best.percent { best = (now.name, percent) }
        }
        return best
    }

    private static func cpu(_ who: Int32) -> Double {
        var usage = rusage()
        guard getrusage(who, &usage) == 0 else { return 0 }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
