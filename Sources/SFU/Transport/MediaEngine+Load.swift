import NIOCore

extension MediaEngine {
    /// At each 20 ms tick: how late it ran (the repeated task is due 20 ms
    /// after the previous run began; a loop with more work than time runs
    /// it later) and the CPU time of the loop's thread, for `MediaLoopLoad`.
    func recordLoad(now: NIODeadline) {
        let lateness = lastTickTime.map { max(0, (now - ($0 + .milliseconds(20))).nanoseconds / 1000) } ?? 0
        lastTickTime = now
        let cpu = Int(ThreadCPUClock.now().nanoseconds / 1000)
        load.tick(latenessMicroseconds: Int(lateness), cpuMicroseconds: cpu)
        // The busy share over about a second, for placement.
        guard let window = loadWindow else {
            loadWindow = (now, cpu)
            return
        }
        let wall = Int((now - window.start).nanoseconds / 1000)
        if wall >= 1_000_000 {
            load.busyPermille.store(min(1000, max(0, (cpu - window.cpuMicroseconds) * 1000 / wall)), ordering: .relaxed)
            loadWindow = (now, cpu)
        }
    }
}
