import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOPosix
import Recording
import Rooms
import SFU
import Settings
import Store
import StoreTesting
import Testing
import WebApp
@testable import LoadTest

/// A few simulated participants against a real Parley in this process (the
/// web app, the signaling socket and the media node on loopback, as
/// WebAppTests start it): the test fails unless every track arrives and
/// media flows with little loss.
@Suite("Load generator end to end", .timeLimit(.minutes(1)))
struct LoadTestEndToEndTests {
    @Test("2 publishers and 1 subscriber for 3 s: every track arrives, media flows with little loss, delay measured")
    func mediaFlows() async throws {
        try await Self.withServer { base, media in
            let report = try await Self.run(against: base, publishers: 2, subscribers: 1)
            #expect(report.participantsFailed == 0, "\(report.errors)")
            // A video frame's packets for one subscriber left in segmented
            // sends (UDP GSO), and arrived whole: the tracks and loss below.
            let sent = await media.statistics()
            #expect(sent.datagramMessagesSent < sent.datagramsSent, "\(sent)")
            // Each publisher gets the other's 2 tracks, the subscriber all 4.
            #expect(report.tracksExpected == 8)
            #expect(report.tracksReceived == 8, "\(report.text)")
            // About 440/s arrive (50 audio + 60 video of each publisher, to each of
            // two receivers); a loaded machine (a full `make test`) may lag, so
            // the bar is that media flows, not its rate.
            #expect(report.packetsReceivedPerSecond > 100, "\(report.text)")
            #expect(report.lossPercent < 5, "\(report.text)")
            #expect(report.delayP50ms != nil)
            #expect(report.joinP95ms != nil)
            #expect(report.counters.srtpErrors == 0)
            #expect(report.errors.isEmpty, "\(report.errors)")
        }
    }

    @Test("A room spread over two media loops: every track crosses to the other loop's subscribers, with keyframes, little loss")
    func roomSpanningTwoLoops() async throws {
        // Four transports (two people) fill a loop, so the room's eight land
        // four on each. Which four depends on how the joins interleave (on a
        // busy machine a person's two transports can be placed apart), so the
        // test asks that both loops carried transports and that tracks
        // crossed, not which loop forwarded what.
        try await Self.withServer(mediaLoops: 2, loopCapacity: 4) { base, media in
            let sampling = Task {
                var most = [Int](repeating: 0, count: 2)
                while !Task.isCancelled {
                    for loop in await media.loopStatistics() { most[loop.index] = max(most[loop.index], loop.statistics.transports) }
                    try? await Task.sleep(for: .milliseconds(100))
                }
                return most
            }
            let report = try await Self.run(against: base, publishers: 2, subscribers: 2)
            sampling.cancel()
            let mostTransports = await sampling.value
            let loops = await media.loopStatistics()
            #expect(report.participantsFailed == 0, "\(report.errors)")
            // Each publisher gets the other's 2 tracks, each subscriber all 4.
            #expect(report.tracksExpected == 12)
            #expect(report.tracksReceived == 12, "\(report.text)")
            #expect(report.packetsReceivedPerSecond > 100, "\(report.text)")
            #expect(report.lossPercent < 5, "\(report.text)")
            #expect(report.counters.srtpErrors == 0)
            #expect(report.errors.isEmpty, "\(report.errors)")
            #expect(mostTransports.allSatisfy { $0 > 0 }, "a loop carried no transport: \(mostTransports)")
            #expect(loops.contains { $0.statistics.packetsPiped > 100 }, "nothing was piped: \(loops)")
        }
    }

    @Test("A participant whose socket drops comes back with resume, new connections and media again")
    func aDroppedSocketComesBack() async throws {
        try await Self.withServer { base, _ in
            let api = ParleyAPI(base: base)
            let cookie = try await api.signUp(username: "comeback_\(UInt32.random(in: 0...UInt32.max))", displayName: "Host",
                                              password: "comeback-password")
            let code = try await api.createMeeting(title: "Comeback", cookie: cookie)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let clock = LoadClock(), dtls = try DTLSContext(certificate: DTLSCertificate())
            let signal = base.absoluteString.replacingOccurrences(of: "http://", with: "ws://") + "/api/v1/signal"
            func participant(_ index: Int, publishes: Bool) -> SimulatedParticipant {
                SimulatedParticipant(plan: ParticipantPlan(room: 0, index: index, name: "p\(index)", publishes: publishes,
                                                           audio: true, video: true, tile: (320, 180)),
                                     api: api, signalURL: signal, group: group, clock: clock, dtlsContext: dtls,
                                     logger: TestDatabase.logger)
            }
            let publisher = participant(0, publishes: true), subscriber = participant(1, publishes: false)
            try await publisher.join(token: try await api.joinToken(code: code, cookie: cookie))
            try await subscriber.join(token: try await api.joinToken(code: code, guestName: "Sub"))
            func waitFor(_ what: String, _ condition: () async -> Bool) async throws {
                for _ in 0..<200 where !(await condition()) { try await Task.sleep(for: .milliseconds(50)) }
                #expect(await condition(), "\(what)")
            }
            try await waitFor("media before the drop") { await subscriber.snapshot().firstMediaSeconds != nil }
            let before = await subscriber.snapshot().counters.packetsReceived

            await subscriber.dropSocket()
            try await waitFor("both tracks again after the drop") {
                let s = await subscriber.snapshot()
                return s.mediaBackSeconds != nil && s.receivingProducers.count == 2
            }
            let after = await subscriber.snapshot()
            #expect(after.comebacks == 1)
            #expect(after.backSeconds.map { $0 < 10 } == true, "\(String(describing: after.backSeconds))")
            #expect(after.receivingProducers.count == 2, "both of the publisher's tracks again")
            #expect(after.counters.packetsReceived > before, "counts carried over the new connections")
            #expect(after.firstMediaSeconds.map { $0 < 5 } == true, "the first join's timing is kept")
            await subscriber.leave()
            await publisher.leave()
            try await group.shutdownGracefully()
        }
    }

    /// One room of `publishers` and `subscribers` for 3 s (1 s warm-up).
    static func run(against base: URL, publishers: Int, subscribers: Int) async throws -> LoadTestReport {
        var c = LoadTestConfiguration(server: base)
        c.rooms = 1
        c.publishersPerRoom = publishers
        c.subscribersPerRoom = subscribers
        c.rampRate = 20
        c.warmup = 1
        c.duration = 3
        c.progress = false
        return try await LoadTestRunner(configuration: c, logger: TestDatabase.logger).run()
    }

    /// Runs `body` with the base URL of a fresh Parley (SQLite, ephemeral
    /// ports on 127.0.0.1), assembled as `TestApp` in WebAppTests does.
    static func withServer(mediaLoops: Int = 1, loopCapacity: Int = 0,
                           _ body: @escaping @Sendable (URL, MediaNode) async throws -> Void) async throws {
        var config = ParleyConfiguration()
        config.media.loopCapacity = loopCapacity
        config.media.address = HostAndPort(host: "127.0.0.1", port: 0)
        config.http.address = HostAndPort(host: "127.0.0.1", port: 0)
        config.http.publicURL = "http://parley.test"
        config.accounts.bcryptCost = 4
        config.accounts.maxFailuresPerAddress = 1000
        config.meetings.reminderScanSeconds = 3600
        config.storage.dataDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("parley-loadtest-\(UUID().uuidString)").path
        let logger = TestDatabase.logger
        let database = try await TestDatabase.open(.sqlite)
        let store = Store(database: database)
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: mediaLoops)
        let media = try MediaNode(configuration: config.mediaConfiguration,
                                  eventLoops: Array(loops.makeIterator()), logger: logger)
        try await media.start()
        let rooms = RoomRegistry(media: media, capacity: config.media.roomCapacity, logger: logger)
        await rooms.start()
        let recordings = RecordingService(store: store, rooms: rooms, settings: config.recordingSettings,
                                          eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        let core = WebAppCore(media: media, rooms: rooms, recordings: recordings,
                              httpLoops: MultiThreadedEventLoopGroup.singleton, blockingPool: .singleton)
        do {
            let app = try await ParleyServer.makeApplication(configuration: config, store: store, core: core, logger: logger)
            try await app.test(.live) { client in
                let port = try #require(client.port)
                try await body(URL(string: "http://127.0.0.1:\(port)")!, media)
            }
        } catch {
            await Self.stop(recordings, rooms, media)
            await database.close()
            try? await loops.shutdownGracefully()
            throw error
        }
        await Self.stop(recordings, rooms, media)
        await database.close()
        try await loops.shutdownGracefully()
    }

    static func stop(_ recordings: RecordingService, _ rooms: RoomRegistry, _ media: MediaNode) async {
        await recordings.shutdown()
        await rooms.shutdown()
        await media.stop()
    }
}
