import Foundation
import Synchronization

/// A few threads pacing many publishers in real time. Threads, not tasks: a
/// paced loop must not hold one of the few cooperative threads the recording
/// service and the rooms run on.
///
/// Publisher `i` belongs to thread `i % threads`. The pool starts paused;
/// `resume` starts everyone again from a keyframe, `pause` returns once no
/// thread sends any more.
final class PublisherPool: Sendable {
    private struct Control {
        var running = false
        var stopped = false
        var generation = 0
        var parked = 0
        var exited = 0
    }

    let publishers: [Publisher]
    let threads: Int
    private let control = Mutex(Control())
    private let origin = ContinuousClock.now
    /// The most a packet was sent after it was due since `resetLateness`, microseconds.
    private let maximumLateness = Atomic<Int>(0)

    init(publishers: [Publisher], threads: Int) {
        self.publishers = publishers
        self.threads = max(1, min(threads, publishers.count))
        for index in 0..<self.threads {
            let thread = Thread { [self] in run(thread: index) }
            thread.name = "publisher-\(index)"
            thread.start()
        }
    }

    /// Everyone sends again, each camera from its next keyframe.
    func resume() {
        control.withLock {
            $0.generation += 1
            $0.running = true
        }
    }

    /// Stops sending; returns when every thread is idle.
    func pause() {
        control.withLock { $0.running = false }
        while control.withLock({ $0.parked }) < threads { Thread.sleep(forTimeInterval: 0.001) }
    }

    /// Ends the threads; returns when they have.
    func stop() {
        control.withLock { $0.stopped = true }
        while control.withLock({ $0.exited }) < threads { Thread.sleep(forTimeInterval: 0.001) }
    }

    /// Everything the publishers sent so far.
    var sent: SentCounts { publishers.reduce(SentCounts()) { $0 + $1.sent } }

    /// The worst lateness since the last call, milliseconds, and starts again.
    func takeMaximumLateness() -> Double {
        Double(maximumLateness.exchange(0, ordering: .relaxed)) / 1000
    }

    private var now: Double { (ContinuousClock.now - origin).seconds }

    private func run(thread index: Int) {
        let mine = stride(from: index, to: publishers.count, by: threads).map { publishers[$0] }
        var generation = 0
        var parked = false
        while true {
            let state = control.withLock { ($0.running, $0.stopped, $0.generation) }
            if state.1 {
                control.withLock { $0.exited += 1 }
                return
            }
            guard state.0 else {
                if !parked {
                    parked = true
                    control.withLock { $0.parked += 1 }
                }
                Thread.sleep(forTimeInterval: 0.002)
                continue
            }
            if parked {
                parked = false
                control.withLock { $0.parked -= 1 }
            }
            if state.2 != generation {
                generation = state.2
                let start = now
                for publisher in mine { publisher.resume(at: start) }
            }
            let time = now
            var next = time + 0.005
            var lateness = 0.0
            for publisher in mine {
                let result = publisher.send(now: time)
                lateness = max(lateness, result.lateness)
                next = min(next, result.next)
            }
            record(lateness: lateness)
            // At least a 2 ms tick: with many publishers per thread something is
            // always due within microseconds, and waking for each would spin the
            // thread (the pacer then cost more CPU than the whole SFU).
            Thread.sleep(forTimeInterval: max(next - now, 0.002))
        }
    }

    private func record(lateness: Double) {
        let microseconds = Int(lateness * 1e6)
        var current = maximumLateness.load(ordering: .relaxed)
        while microseconds > current {
            let (exchanged, original) = maximumLateness.compareExchange(expected: current, desired: microseconds, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
