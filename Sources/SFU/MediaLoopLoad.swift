import Synchronization

/// How busy one media loop is, written by its engine on the loop and read
/// from anywhere (placement, /metrics). Atomics, not a lock: the engine
/// writes them when a transport comes or goes and once per 20 ms tick,
/// never per packet.
public final class MediaLoopLoad: Sendable {
    /// The loop's index among the node's media loops.
    public let index: Int
    /// Open WebRTC and local transports on the loop.
    let transports = Atomic<Int>(0)
    /// CPU time the loop's thread has used, in microseconds
    /// (CLOCK_THREAD_CPUTIME_ID, read at each tick).
    let cpuMicroseconds = Atomic<Int>(0)
    /// How late the latest 20 ms tick ran, in microseconds: a loop with more
    /// work than time runs its timers late.
    let tickLatenessMicroseconds = Atomic<Int>(0)
    /// The share of the last second the loop's thread spent on the CPU, in
    /// thousandths (1000: the loop had no idle time).
    let busyPermille = Atomic<Int>(0)
    /// The worst tick lateness since /metrics last read it.
    let worstTickLatenessMicroseconds = Atomic<Int>(0)

    init(index: Int) { self.index = index }

    func transportOpened() { transports.add(1, ordering: .relaxed) }
    func transportClosed() { transports.subtract(1, ordering: .relaxed) }

    /// Records one tick: how late it ran and the thread's CPU time so far.
    func tick(latenessMicroseconds: Int, cpuMicroseconds cpu: Int) {
        tickLatenessMicroseconds.store(latenessMicroseconds, ordering: .relaxed)
        cpuMicroseconds.store(cpu, ordering: .relaxed)
        var worst = worstTickLatenessMicroseconds.load(ordering: .relaxed)
        while latenessMicroseconds > worst {
            let (exchanged, original) = worstTickLatenessMicroseconds.compareExchange(
                expected: worst, desired: latenessMicroseconds, ordering: .relaxed)
            if exchanged { break }
            worst = original
        }
    }

    /// Open transports on the loop now.
    public var openTransports: Int { transports.load(ordering: .relaxed) }

    /// The loop's CPU share over the last second, 0...1.
    public var busyShare: Double { Double(busyPermille.load(ordering: .relaxed)) / 1000 }
}
