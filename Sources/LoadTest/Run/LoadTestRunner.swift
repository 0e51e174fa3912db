import Foundation
import Logging
import NIOCore
import NIOPosix
import SFU

/// Runs one load against a Parley server: makes a meeting per room through
/// the API, ramps the participants in, keeps the load for the duration,
/// prints a progress line, and returns the report.
public struct LoadTestRunner: Sendable {
    public let configuration: LoadTestConfiguration
    let logger: Logger

    public init(configuration: LoadTestConfiguration, logger: Logger = Logger(label: "parley.loadtest")) {
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws -> LoadTestReport {
        let c = configuration
        guard c.rooms > 0, c.publishersPerRoom >= 0, c.subscribersPerRoom >= 0,
              c.publishersPerRoom + c.subscribersPerRoom > 0, c.rampRate > 0 else {
            throw LoadTestError.configuration("rooms, participants and the ramp rate must be positive")
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, c.threads))
        do {
            let report = try await run(on: group)
            try? await group.shutdownGracefully()
            return report
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    func run(on group: MultiThreadedEventLoopGroup) async throws -> LoadTestReport {
        let c = configuration
        let clock = LoadClock()
        let dtlsContext = try DTLSContext(certificate: DTLSCertificate())
        // Publishers of every room first, so subscribers find their tracks.
        var plans: [ParticipantPlan] = []
        let videos = c.video ? max(1, c.publishersPerRoom) : 0
        for (publishes, count) in [(true, c.publishersPerRoom), (false, c.subscribersPerRoom)] {
            for index in 0..<count {
                for room in 0..<c.rooms {
                    plans.append(ParticipantPlan(room: room, index: plans.filter { $0.room == room }.count,
                                                 name: "\(publishes ? "Publisher" : "Subscriber") \(room + 1).\(index + 1)",
                                                 publishes: publishes, audio: c.audio, video: c.video,
                                                 tile: c.tileSize(videos: videos)))
                }
            }
        }

        let sampler = c.serverPID.map(ProcessSampler.init(pid:))
        // Before anyone joins: what the server holds for nobody, so memory
        // per participant compares servers with different fixed costs.
        let idleRSS = sampler?.residentMiB()
        let progress = Progress(enabled: c.progress)
        let (participants, joinErrors): ([any LoadParticipant], [String])
        switch c.target {
        case .parley:
            (participants, joinErrors) = try await joinParley(plans, group: group, clock: clock, dtlsContext: dtlsContext,
                                                              progress: progress)
        case .janus(let url):
            (participants, joinErrors) = try await joinJanus(plans, api: JanusAPI(base: url), group: group, clock: clock,
                                                             dtlsContext: dtlsContext, progress: progress)
        }
        var errors = joinErrors

        try await Task.sleep(for: .seconds(c.warmup))
        let windowStart = clock.seconds()
        let cpuStart = sampler?.cpuSeconds()
        let startTotals = await Self.totals(participants)
        var last = startTotals
        var lastAt = windowStart
        while clock.seconds() - windowStart < c.duration {
            try await Task.sleep(for: .seconds(1))
            let now = clock.seconds()
            let totals = await Self.totals(participants)
            let dt = max(0.001, now - lastAt)
            let lost = totals.packetsExpected > 0 ? 100 * Double(totals.packetsLost) / Double(totals.packetsExpected) : 0
            var line = String(format: "%3.0f s: sent %6.0f pkt/s, received %6.0f pkt/s, loss %.3f %%",
                              now - windowStart, Double(totals.packetsSent - last.packetsSent) / dt,
                              Double(totals.packetsReceived - last.packetsReceived) / dt, lost)
            if let sampler, let cpu = sampler.cpuSeconds(), let before = cpuStart {
                line += String(format: ", server CPU %.1f s", cpu - before)
            }
            progress.show(line)
            last = totals
            lastAt = now
        }
        let windowEnd = clock.seconds()
        let cpuEnd = sampler?.cpuSeconds()
        let rss = sampler?.residentMiB()
        progress.show("collecting the participants' figures")
        var snapshots: [ParticipantSnapshot] = []
        for participant in participants { snapshots.append(await participant.snapshot()) }
        progress.show("leaving")
        await withTaskGroup(of: Void.self) { group in
            for participant in participants { group.addTask { await participant.leave() } }
        }
        progress.finish()

        var report = LoadTestReport()
        report.rooms = c.rooms
        report.publishersPerRoom = c.publishersPerRoom
        report.subscribersPerRoom = c.subscribersPerRoom
        report.participantsFailed = errors.count
        report.participantsJoined = plans.count - errors.count
        report.windowSeconds = windowEnd - windowStart
        let tracksPerPublisher = (c.audio ? 1 : 0) + (c.video ? 1 : 0)
        var delays = LatencyHistogram()
        var joinTimes: [Double] = []
        var firstMedia: [Double] = []
        var back: [Double] = [], mediaBack: [Double] = []
        for (plan, s) in zip(plans, snapshots) {
            let others = c.publishersPerRoom - (plan.publishes ? 1 : 0)
            report.tracksExpected += others * tracksPerPublisher
            report.tracksReceived += s.receivingProducers.count
            report.counters = report.counters + s.counters
            delays.merge(s.delays)
            if let j = s.joinSeconds { joinTimes.append(j) }
            if !plan.publishes, let f = s.firstMediaSeconds { firstMedia.append(f) }
            report.comebacks += s.comebacks
            if let b = s.backSeconds { back.append(b) }
            if !plan.publishes, let m = s.mediaBackSeconds { mediaBack.append(m) }
            errors += s.errors.map { "\(plan.name): \($0)" }
        }
        report.errors = errors
        let endTotals = snapshots.reduce(MediaCounters()) { $0 + $1.counters }
        let window = max(0.001, report.windowSeconds)
        report.packetsSentPerSecond = Double(endTotals.packetsSent - startTotals.packetsSent) / window
        report.packetsReceivedPerSecond = Double(endTotals.packetsReceived - startTotals.packetsReceived) / window
        report.sentMbps = Double(endTotals.bytesSent - startTotals.bytesSent) * 8 / window / 1e6
        report.receivedMbps = Double(endTotals.bytesReceived - startTotals.bytesReceived) * 8 / window / 1e6
        let c2 = report.counters
        report.lossPercent = c2.packetsExpected > 0 ? 100 * Double(c2.packetsLost) / Double(c2.packetsExpected) : 0
        report.videoLossPercent = c2.videoPacketsExpected > 0
            ? 100 * Double(c2.videoPacketsLost) / Double(c2.videoPacketsExpected) : 0
        report.joinP50ms = Percentile.of(joinTimes, 0.5).map { $0 * 1000 }
        report.joinP95ms = Percentile.of(joinTimes, 0.95).map { $0 * 1000 }
        report.firstMediaP50ms = Percentile.of(firstMedia, 0.5).map { $0 * 1000 }
        report.firstMediaP95ms = Percentile.of(firstMedia, 0.95).map { $0 * 1000 }
        report.backP50ms = Percentile.of(back, 0.5).map { $0 * 1000 }
        report.backP95ms = Percentile.of(back, 0.95).map { $0 * 1000 }
        report.mediaBackP50ms = Percentile.of(mediaBack, 0.5).map { $0 * 1000 }
        report.mediaBackP95ms = Percentile.of(mediaBack, 0.95).map { $0 * 1000 }
        report.delayP50ms = delays.quantile(0.5).map { $0 * 1000 }
        report.delayP95ms = delays.quantile(0.95).map { $0 * 1000 }
        if let cpuStart, let cpuEnd {
            let cpu = cpuEnd - cpuStart
            report.serverCPUSeconds = cpu
            report.serverCPUPercent = 100 * cpu / window
            let forwarded = endTotals.packetsReceived - startTotals.packetsReceived
            if forwarded > 0 { report.serverMicrosecondsPerForwardedPacket = cpu * 1e6 / Double(forwarded) }
        }
        report.serverRSSMiB = rss
        report.serverIdleRSSMiB = idleRSS
        if let rss, let idleRSS, !participants.isEmpty {
            report.serverKiBPerParticipant = (rss - idleRSS) * 1024 / Double(participants.count)
        }
        return report
    }

    static func totals(_ participants: [any LoadParticipant]) async -> MediaCounters {
        var sum = MediaCounters()
        for participant in participants { sum = sum + (await participant.snapshot()).counters }
        return sum
    }
}
