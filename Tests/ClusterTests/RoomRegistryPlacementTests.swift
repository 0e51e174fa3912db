import Foundation
import Logging
import NIOPosix
import Rooms
import SFU
import Store
import StoreTesting
import Synchronization
import Testing
@testable import Cluster

/// The registry keeps the meeting's row true to what runs here, even when a
/// join races the room's close on a slow database.
@Suite struct RoomRegistryPlacementTests {
    /// The cluster's real locator with its release held back: the window a
    /// slow database (or a busy one) opens between a room's close and its row's removal.
    final class SlowRelease: RoomLocator {
        let inner: ClusterRoomLocator
        /// Releases done so far.
        let releases = Mutex(0)
        init(inner: ClusterRoomLocator) { self.inner = inner }
        func locate(_ meetingID: String) async -> RoomLocation { await inner.locate(meetingID) }
        func released(_ meetingID: String) async {
            try? await Task.sleep(for: .milliseconds(300))
            await inner.released(meetingID)
            releases.withLock { $0 += 1 }
        }
        func claimed(_ meetingID: String) async { await inner.claimed(meetingID) }
        func holder(of meetingID: String) async -> RoomLocation.RemoteNode? { await inner.holder(of: meetingID) }
    }

    final class Connection: ParticipantConnection {
        func deliver(_ event: RoomEvent) {}
        func close() {}
    }

    /// A registry on a real media node, with the locator `locator` makes.
    static func registry(_ locator: (Logger) -> any RoomLocator) async throws -> (RoomRegistry, MediaNode) {
        var logger = Logger(label: "placement-test")
        logger.logLevel = .critical
        let media = try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0),
                                  eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
        try await media.start()
        let rooms = RoomRegistry(media: media, logger: logger)
        await rooms.start()
        await rooms.setLocator(locator(logger))
        return (rooms, media)
    }

    @Test("a join that comes while the emptied room's row is being removed finds its room's row in place", arguments: TestDatabase.engines)
    func joinRacingTheRelease(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let alpha = try await RoomPlacerTests.register(store, "alpha")
            let slow = SlowRelease(inner: ClusterRoomLocator(placer: RoomPlacerTests.placer(store, alpha), logger: TestDatabase.logger))
            let (rooms, media) = try await Self.registry { _ in slow }
            let info = RoomInfo(meetingId: "m-race", code: "abc-defg-hij", title: "Race", locked: false, lobbyEnabled: false)

            #expect(await rooms.locate("m-race") == .here)
            let (room, ada) = try await rooms.join(info, JoinRequest(displayName: "Ada", userId: "u1", role: .host),
                                                   connection: Connection())
            #expect(try await store.roomPlacement(meetingId: "m-race")?.nodeId == alpha.id)
            await room.leave(ada)
            // The room empties and its row's removal starts (and takes 300 ms).
            for _ in 0..<100 where await rooms.existingRoom("m-race") != nil { try await Task.sleep(for: .milliseconds(5)) }
            #expect(await rooms.existingRoom("m-race") == nil)

            // Bob arrives meanwhile: here, and a fresh room.
            #expect(await rooms.locate("m-race") == .here)
            _ = try await rooms.join(info, JoinRequest(displayName: "Bob", userId: "u2", role: .participant), connection: Connection())
            // Once the slow release is done, the row must be (or soon be) back.
            for _ in 0..<500 where slow.releases.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(slow.releases.withLock { $0 } == 1)
            for _ in 0..<500 where (try? await store.roomPlacement(meetingId: "m-race"))?.nodeId != alpha.id {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(await rooms.existingRoom("m-race") != nil)
            #expect(try await store.roomPlacement(meetingId: "m-race")?.nodeId == alpha.id,
                    "a live room here, and no row: other nodes would start the meeting a second time")
            await rooms.shutdown()
            await media.stop()
        }
    }

    @Test("a room started without asking the cluster (a join that had located it before it closed) claims its row", arguments: TestDatabase.engines)
    func aRoomStartedHereClaimsItsRow(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let alpha = try await RoomPlacerTests.register(store, "alpha")
            let (rooms, media) = try await Self.registry { ClusterRoomLocator(placer: RoomPlacerTests.placer(store, alpha), logger: $0) }
            let info = RoomInfo(meetingId: "m-claim", code: "abc-defg-hij", title: "Claim", locked: false, lobbyEnabled: false)
            _ = try await rooms.join(info, JoinRequest(displayName: "Ada", userId: "u1", role: .host), connection: Connection())
            for _ in 0..<100 where (try? await store.roomPlacement(meetingId: "m-claim")) == nil {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await store.roomPlacement(meetingId: "m-claim")?.nodeId == alpha.id)
            await rooms.shutdown()
            await media.stop()
        }
    }
}
