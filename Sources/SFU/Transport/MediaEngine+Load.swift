import NIOCore

extension MediaEngine {
    /// At each 20 ms tick: how late it ran (the repeated task is due 20 ms
    /// after the previous run began; a loop with more work than time runs
    /// it later) and the CPU time of the loop's thread, for `MediaLoopLoad`.
    func recordLoad(now: NIODeadline) {
        let lateness = lastTickTime.map { max(0, (now - ($0 + .milliseconds(20))).nanoseconds / 1000) } ?? 0
        lastTickTime = now
        load.tick(latenessMicroseconds: Int(lateness), cpuMicroseconds: Int(ThreadCPUClock.now().nanoseconds / 1000))
    }
}
