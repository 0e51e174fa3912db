import Testing
@testable import Cluster

/// Reading the CPU a control group allows, from files given as a dictionary.
@Suite struct CPUQuotaTests {
    func cores(_ cgroups: String, _ files: [String: String]) -> Double? {
        CPUQuota.cores(cgroups: cgroups, root: "/cg") { files[$0] }
    }

    @Test("cgroup v2: cpu.max of the process's group or an ancestor, the smallest; 'max' is no limit")
    func version2() {
        #expect(cores("0::/system.slice/parley.service\n", ["/cg/system.slice/parley.service/cpu.max": "150000 100000\n"]) == 1.5)
        #expect(cores("0::/a/b\n", ["/cg/a/b/cpu.max": "max 100000\n", "/cg/a/cpu.max": "50000 100000\n"]) == 0.5)
        #expect(cores("0::/a/b\n", ["/cg/a/b/cpu.max": "20000 100000", "/cg/a/cpu.max": "50000 100000"]) == 0.2)
        #expect(cores("0::/\n", ["/cg/cpu.max": "max 100000\n"]) == nil)
        #expect(cores("0::/\n", [:]) == nil)
    }

    @Test("cgroup v1: the cpu controller's CFS quota over its period; -1 is no limit")
    func version1() {
        let cgroups = "12:pids:/\n4:memory:/x\n1:cpu:/parley-bench-alpha\n0::/\n"
        #expect(cores(cgroups, ["/cg/cpu/cpu.cfs_period_us": "100000", "/cg/cpu/cpu.cfs_quota_us": "-1",
                                "/cg/cpu/parley-bench-alpha/cpu.cfs_period_us": "10000\n",
                                "/cg/cpu/parley-bench-alpha/cpu.cfs_quota_us": "1500\n"]) == 0.15)
        #expect(cores("3:cpu,cpuacct:/docker/abc\n", ["/cg/cpu,cpuacct/cpu.cfs_period_us": "100000",
                                                       "/cg/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000",
                                                       "/cg/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "200000"]) == 2)
        #expect(cores("1:cpu:/\n", ["/cg/cpu/cpu.cfs_period_us": "100000", "/cg/cpu/cpu.cfs_quota_us": "-1"]) == nil)
        #expect(cores("garbage\n\n1:cpu\n", [:]) == nil)
    }
}
