import Foundation
import Logging
import NIOCore
import NIOPosix
import Rooms
import SFU
import Synchronization
import Testing

/// A room is open, then closing while its media is torn down, then closed;
/// a join that races the close lands in an open room with working media.
@Suite("Room lifecycle")
struct RoomLifecycleTests {
    static func registry(loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) async throws -> (RoomRegistry, MediaNode) {
        var logger = Logger(label: "rooms-lifecycle-test")
        logger.logLevel = .critical
        let media = try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0), eventLoop: loop, logger: logger)
        try await media.start()
        let rooms = RoomRegistry(media: media, logger: logger)
        await rooms.start()
        return (rooms, media)
    }

    static func info(_ id: String) -> RoomInfo {
        RoomInfo(meetingId: id, code: "abc-defg-hij", title: "Race", locked: false, lobbyEnabled: false)
    }

    @Test("the last one out closes the room; it refuses joins and the registry lets it go")
    func lastOneOutClosesTheRoom() async throws {
        let (rooms, media) = try await Self.registry()
        defer { Task { await media.stop() } }
        let info = Self.info("m-close-\(UInt32.random(in: 0...UInt32.max))")
        let (room, id) = try await rooms.join(info, JoinRequest(displayName: "A", userId: nil, role: .guest),
                                              connection: RecordingConnection())
        #expect(await room.lifecycle == .open)
        await room.leave(id)
        #expect(await room.lifecycle == .closed)
        await #expect(throws: RoomError.closed) {
            _ = try await room.join(JoinRequest(displayName: "B", userId: nil, role: .guest), connection: RecordingConnection())
        }
        // The registry forgets it and the next join gets a fresh, open room.
        let (fresh, _) = try await rooms.join(info, JoinRequest(displayName: "B", userId: nil, role: .guest),
                                              connection: RecordingConnection())
        #expect(fresh !== room)
        #expect(await fresh.lifecycle == .open)
    }

    @Test("a join racing the last leave ends in an open room whose media works")
    func joinRacingTheCloseLandsInAnOpenRoom() async throws {
        // The media loop is the test's own (not a shared one other suites use),
        // so it can hold the router's close back while the join arrives.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let (rooms, media) = try await Self.registry(loop: loop)
        var raced = 0
        for round in 0..<10 where raced < 3 {
            let info = Self.info("m-race-\(round)-\(UInt32.random(in: 0...UInt32.max))")
            // A is in process (one local transport: one hop to close it).
            let local = try await media.createLocalTransport(routerID: info.meetingId, sink: { _ in })
            let (first, leaving) = try await rooms.join(
                info, JoinRequest(displayName: "A", userId: nil, role: .phone, media: .local(transportID: local.id)),
                connection: RecordingConnection())
            // The media loop runs: [a pause][A's transport closes][a longer pause],
            // and the router's close, asked for once A's transport is gone,
            // waits behind the second pause: B arrives while the room is closing.
            loop.execute { usleep(100_000) }
            async let left: Void = first.leave(leaving)
            try await Task.sleep(for: .milliseconds(50))
            loop.execute { usleep(300_000) }
            for _ in 0..<100 where await first.lifecycle == .open { try await Task.sleep(for: .milliseconds(5)) }
            // A busy machine can miss the window (the close already done): that round does not count.
            let racing = await first.lifecycle == .closing
            let connection = RecordingConnection()
            let (room, id) = try await rooms.join(info, JoinRequest(displayName: "B", userId: nil, role: .guest),
                                                  connection: connection)
            await left
            if racing {
                raced += 1
                #expect(room !== first, "round \(round): B joined the room being closed")
            }
            #expect(await room.lifecycle == .open, "round \(round)")
            #expect(await room.participantCount == 1, "round \(round)")
            #expect(await rooms.existingRoom(info.meetingId) === room, "round \(round)")
            #expect(connection.joined?.participantId == id, "round \(round)")
            // B's publish and subscribe transports exist: no close tore them down.
            let stats = await media.statistics()
            #expect(stats.transports == 2 && stats.routers == 1, "round \(round): \(stats)")
            await room.leave(id)
        }
        #expect(raced == 3, "the join raced the close in \(raced) rounds")
        await media.stop()
        try await group.shutdownGracefully()
    }

    @Test("an in-process participant (a phone) racing the close gets its transport in the fresh room's router")
    func localJoinRacingTheCloseGetsALiveTransport() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let (rooms, media) = try await Self.registry(loop: loop)
        var raced = 0
        for round in 0..<10 where raced < 2 {
            let info = Self.info("m-race-local-\(round)-\(UInt32.random(in: 0...UInt32.max))")
            let first = try await media.createLocalTransport(routerID: info.meetingId, sink: { _ in })
            let (room, leaving) = try await rooms.join(
                info, JoinRequest(displayName: "A", userId: nil, role: .phone, media: .local(transportID: first.id)),
                connection: RecordingConnection())
            // As in the test above: the router's close waits while B arrives.
            loop.execute { usleep(100_000) }
            async let left: Void = room.leave(leaving)
            try await Task.sleep(for: .milliseconds(50))
            loop.execute { usleep(300_000) }
            for _ in 0..<100 where await room.lifecycle == .open { try await Task.sleep(for: .milliseconds(5)) }
            if await room.lifecycle == .closing { raced += 1 }
            // B makes its transport when the registry says which room it enters, as the gateway does.
            let made = TransportIDs()
            let (joined, id) = try await rooms.join(
                info, JoinRequest(displayName: "B", userId: nil, role: .phone), connection: RecordingConnection(),
                entering: { _ in
                    let transport = try await media.createLocalTransport(routerID: info.meetingId, sink: { _ in })
                    made.append(transport.id)
                    return .local(transportID: transport.id)
                })
            await left
            #expect(await joined.lifecycle == .open, "round \(round)")
            // The transport B joined with is alive: the old room's close did not take it.
            let last = try #require(made.all.last)
            await #expect(throws: Never.self, "round \(round): B's transport died with the old router") {
                _ = try await media.subscribeLocal(transportID: last, producerIDs: [])
            }
            // A transport made for a try that met the closing room is closed, not leaked.
            for abandoned in made.all.dropLast() {
                await #expect(throws: MediaError.self, "round \(round): a transport of an abandoned try is still open") {
                    _ = try await media.subscribeLocal(transportID: abandoned, producerIDs: [])
                }
            }
            await joined.leave(id)
        }
        #expect(raced == 2, "the join raced the close in \(raced) rounds")
        await media.stop()
        try await group.shutdownGracefully()
    }

    @Test("a join racing a host's end is told the meeting ended")
    func joinRacingAnEndIsToldItEnded() async throws {
        let (rooms, media) = try await Self.registry()
        defer { Task { await media.stop() } }
        let info = Self.info("m-end-\(UInt32.random(in: 0...UInt32.max))")
        let (room, _) = try await rooms.join(info, JoinRequest(displayName: "Host", userId: "u1", role: .host),
                                             connection: RecordingConnection())
        await room.endForAll()
        await #expect(throws: RoomError.ended) {
            _ = try await rooms.join(info, JoinRequest(displayName: "G", userId: nil, role: .guest), connection: RecordingConnection())
        }
    }
}

/// The transports a joiner made, one per try.
final class TransportIDs: Sendable {
    private let ids = Mutex<[String]>([])
    func append(_ id: String) { ids.withLock { $0.append(id) } }
    var all: [String] { ids.withLock { $0 } }
}
