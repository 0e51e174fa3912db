import Foundation

/// The CPU a control group allows this process, in cores, when one limits
/// it: a node in a container with a CPU limit (Docker's `--cpus`, a
/// Kubernetes limit) or a systemd slice with `CPUQuota=` has that much, not
/// the machine's cores, and its CPU share (hence its stress) must be read
/// against that. Linux only; both cgroup versions.
enum CPUQuota {
    /// The smallest quota on the process's cgroup and its ancestors, in
    /// cores; nil when none is set. `cgroups` is /proc/self/cgroup;
    /// `read` reads a file (nil when absent).
    static func cores(cgroups: String, root: String = "/sys/fs/cgroup", read: (String) -> String?) -> Double? {
        var limits: [Double] = []
        for line in cgroups.split(separator: "\n") {
            // "hierarchy-id:controllers:path" (cgroups(7)).
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let controllers = fields[1].split(separator: ","), path = String(fields[2])
            if fields[0] == "0", controllers.isEmpty {
                // cgroup v2: cpu.max is "max PERIOD" or "QUOTA PERIOD".
                for directory in ancestors(of: path, under: root) {
                    if let text = read(directory + "/cpu.max"), let limit = v2Limit(text) { limits.append(limit) }
                }
            } else if controllers.contains("cpu") {
                // cgroup v1: the cpu controller's mount ("cpu", or "cpu,cpuacct").
                let mount = ["\(root)/cpu", "\(root)/cpu,cpuacct", "\(root)/cpuacct,cpu"].first { read($0 + "/cpu.cfs_period_us") != nil }
                guard let mount else { continue }
                for directory in ancestors(of: path, under: mount) {
                    if let quota = read(directory + "/cpu.cfs_quota_us").flatMap({ Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }),
                       let period = read(directory + "/cpu.cfs_period_us").flatMap({ Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }),
                       quota > 0, period > 0 {
                        limits.append(quota / period)
                    }
                }
            }
        }
        return limits.min()
    }

    /// This process's quota, read from the live system.
    static func current() -> Double? {
        guard let cgroups = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else { return nil }
        return cores(cgroups: cgroups) { try? String(contentsOfFile: $0, encoding: .utf8) }
    }

    private static func v2Limit(_ text: String) -> Double? {
        let parts = text.split(whereSeparator: \.isWhitespace)
        guard parts.count == 2, let quota = Double(parts[0]), let period = Double(parts[1]), quota > 0, period > 0 else { return nil }
        return quota / period
    }

    /// `path` and each parent up to the hierarchy's root, as directories under `mount`.
    private static func ancestors(of path: String, under mount: String) -> [String] {
        var parts = path.split(separator: "/").map(String.init)
        var directories: [String] = []
        while true {
            directories.append(parts.isEmpty ? mount : mount + "/" + parts.joined(separator: "/"))
            guard !parts.isEmpty else { break }
            parts.removeLast()
        }
        return directories
    }
}
