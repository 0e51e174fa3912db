import Foundation
import StoreTesting
import Testing
@testable import Store

@Suite("Store on SQLite and PostgreSQL")
struct StoreTests {
    static let engines = TestDatabase.engines

    @Test("migrations are idempotent and recorded", arguments: engines)
    func migrationsRunOnce(engine: Database.Engine) async throws {
        let database = try await TestDatabase.open(engine)
        // Running the migrator again on a migrated database changes nothing.
        try await Migrator(database: database).migrate()
        struct Row: Decodable { var version: Int }
        let versions = try await database.read { db in
            try await db.select().column("version").from("schema_migrations").all(decoding: Row.self)
        }
        #expect(versions.map(\.version) == Array(1...Migrator.steps.count))
        await database.close()
    }

    @Test("usernames are unique regardless of case", arguments: engines)
    func uniqueUsernames(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let alice = try await store.createUser(username: "Alice", displayName: "Alice", passwordHash: "h")
            #expect(alice.username == "alice")
            await #expect(throws: StoreError.conflict("username")) {
                _ = try await store.createUser(username: "ALICE", displayName: "Other", passwordHash: "h")
            }
            #expect(try await store.user(username: "aLiCe")?.id == alice.id)
        }
    }

    @Test("sessions resolve to their user until they expire", arguments: engines)
    func sessions(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let user = try await store.createUser(username: "bob", displayName: "Bob", passwordHash: "h")
            let now = Timestamp.now
            try await store.createSession(SessionRecord(tokenHash: "live", userId: user.id, createdAt: now, expiresAt: now + 60_000))
            try await store.createSession(SessionRecord(tokenHash: "old", userId: user.id, createdAt: now, expiresAt: now - 1))
            #expect(try await store.sessionUser(tokenHash: "live")?.id == user.id)
            #expect(try await store.sessionUser(tokenHash: "old") == nil)
            try await store.purgeExpiredSessions()
            try await store.deleteSession(tokenHash: "live")
            #expect(try await store.sessionUser(tokenHash: "live") == nil)
        }
    }

    @Test("search matches username and display name, literally, and respects blocks", arguments: engines)
    func search(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let me = try await store.createUser(username: "me", displayName: "Me", passwordHash: "h")
            let carol = try await store.createUser(username: "carol", displayName: "Carol Jones", passwordHash: "h")
            let dave = try await store.createUser(username: "dave_j", displayName: "David 100%", passwordHash: "h")
            #expect(try await store.searchUsers(query: "JONES", for: me.id, limit: 10).map(\.id) == [carol.id])
            #expect(try await store.searchUsers(query: "100%", for: me.id, limit: 10).map(\.id) == [dave.id])
            // '_' is a literal underscore, not a LIKE wildcard.
            #expect(try await store.searchUsers(query: "e_j", for: me.id, limit: 10).map(\.id) == [dave.id])
            #expect(try await store.searchUsers(query: "me", for: me.id, limit: 10).isEmpty)
            try await store.block(blocker: carol.id, blocked: me.id)
            #expect(try await store.searchUsers(query: "carol", for: me.id, limit: 10).isEmpty)
            #expect(try await store.searchUsers(query: "me", for: carol.id, limit: 10).isEmpty)
        }
    }

    @Test("friend requests, friendships and blocks", arguments: engines)
    func friends(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let a = try await store.createUser(username: "ann", displayName: "Ann", passwordHash: "h")
            let b = try await store.createUser(username: "ben", displayName: "Ben", passwordHash: "h")
            let request = try await store.createFriendRequest(from: a.id, to: b.id)
            let pending = try await store.pendingFriendRequests(for: b.id)
            #expect(pending.incoming.map(\.id) == [request.id])
            #expect(pending.outgoing.isEmpty)
            let accepted = try await store.resolveFriendRequest(id: request.id, status: FriendRequestRecord.accepted)
            #expect(accepted.status == .accepted)
            #expect(try await store.areFriends(a.id, b.id))
            #expect(try await store.areFriends(b.id, a.id))
            #expect(try await store.friends(of: a.id).map(\.user.id) == [b.id])
            // A resolved request cannot be resolved again.
            await #expect(throws: StoreError.notFound) {
                _ = try await store.resolveFriendRequest(id: request.id, status: FriendRequestRecord.declined)
            }
            try await store.block(blocker: b.id, blocked: a.id)
            #expect(try await !store.areFriends(a.id, b.id))
            #expect(try await store.isBlocked(between: a.id, and: b.id))
            #expect(try await store.blockedUsers(by: b.id).map(\.id) == [a.id])
            try await store.unblock(blocker: b.id, blocked: a.id)
            #expect(try await !store.isBlocked(between: a.id, and: b.id))
        }
    }

    @Test("meetings keep unique codes, invitees and overrides", arguments: engines)
    func meetings(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let host = try await store.createUser(username: "host", displayName: "Host", passwordHash: "h")
            let guest = try await store.createUser(username: "guest", displayName: "Guest", passwordHash: "h")
            let now = Timestamp.now
            func meeting(_ id: String) -> MeetingRecord {
                MeetingRecord(
                    id: id, code: "aaa-bbbb-ccc", dialInCode: "1234567890", hostId: host.id, kind: MeetingRecord.scheduled,
                    title: "T", description: "", startLocal: "2026-12-01T09:00", timeZone: "Europe/Berlin",
                    durationMinutes: 30, firstStart: now, lastEnd: nil, createdAt: now, updatedAt: now)
            }
            let first = try await store.createMeeting(meeting("m1"), inviteeIds: [guest.id]) { ("aaa-bbbb-ccc", "1234567890") }
            // The same codes again: the store asks for new ones.
            let second = try await store.createMeeting(meeting("m2"), inviteeIds: []) { ("ddd-eeee-fff", "9876543210") }
            #expect(first.code == "aaa-bbbb-ccc")
            #expect(second.code == "ddd-eeee-fff" && second.dialInCode == "9876543210")
            #expect(try await store.meeting(dialInCode: "9876543210")?.id == "m2")
            #expect(try await store.inviteeIds(meetingId: "m1") == [guest.id])
            #expect(try await store.inviteeIds(meetingIds: ["m1", "m2"]) == ["m1": [guest.id]])
            #expect(try await store.meetings(visibleTo: guest.id).map(\.id) == ["m1"])
            #expect(Set(try await store.scheduledMeetings(for: host.id, overlappingFrom: now, to: now + 1000).map(\.id)) == ["m1", "m2"])

            try await store.saveOverride(
                OccurrenceOverrideRecord(meetingId: "m1", originalStart: now, isCancelled: true, updatedAt: now))
            try await store.saveOverride(
                OccurrenceOverrideRecord(meetingId: "m1", originalStart: now, isCancelled: false, title: "Moved", updatedAt: now))
            let overrides = try await store.overrides(meetingId: "m1")
            #expect(overrides.count == 1 && overrides[0].title == "Moved" && !overrides[0].isCancelled)
            #expect(try await store.meeting(id: "m1")?.sequence == 2)

            var updated = try #require(try await store.meeting(id: "m1"))
            updated.cancelledAt = now
            let added = try await store.updateMeeting(updated, inviteeIds: [])
            #expect(added.isEmpty)
            #expect(try await store.inviteeIds(meetingId: "m1").isEmpty)
            #expect(try await store.meetings(visibleTo: host.id).map(\.id) == ["m2"])
        }
    }

    @Test("notifications deduplicate by key and track reads", arguments: engines)
    func notifications(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let user = try await store.createUser(username: "nina", displayName: "Nina", passwordHash: "h")
            let other = try await store.createUser(username: "olga", displayName: "Olga", passwordHash: "h")
            func note(_ id: String, key: String?, at: Int) -> NotificationRecord {
                NotificationRecord(id: id, userId: user.id, kind: "reminder", data: "{}", dedupeKey: key, createdAt: at)
            }
            #expect(try await store.addNotification(note("n1", key: "k", at: 1)))
            #expect(try await !store.addNotification(note("n2", key: "k", at: 2)))
            #expect(try await store.addNotification(note("n3", key: nil, at: 3)))
            #expect(try await store.notifications(for: user.id, unreadOnly: false, limit: 10).map(\.id) == ["n3", "n1"])
            #expect(try await store.unreadNotificationCount(for: user.id) == 2)
            #expect(try await !store.markNotificationRead(id: "n1", userId: other.id))
            #expect(try await store.markNotificationRead(id: "n1", userId: user.id))
            #expect(try await store.notifications(for: user.id, unreadOnly: true, limit: 10).map(\.id) == ["n3"])
            try await store.markAllNotificationsRead(userId: user.id)
            #expect(try await store.unreadNotificationCount(for: user.id) == 0)
        }
    }

    @Test("a failed transaction changes nothing", arguments: engines)
    func rollback(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await store.database.transaction { db in
                    try await db.insert(into: "users").columns("id", "username", "display_name", "password_hash", "created_at", "updated_at")
                        .values("x", "x", "x", "x", 0, 0).run()
                    throw Boom()
                }
            }
            #expect(try await store.user(id: "x") == nil)
        }
    }

    @Test("concurrent writers on one store all land", arguments: engines)
    func concurrentWrites(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    group.addTask { _ = try await store.createUser(username: "user\(i)", displayName: "U\(i)", passwordHash: "h") }
                }
                try await group.waitForAll()
            }
            #expect(try await store.searchUsers(query: "user", for: "nobody", limit: 100).count == 40)
        }
    }

    @Test("server secrets are created once", arguments: engines)
    func secrets(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let first = try await store.secret(named: "k") { "one" }
            let second = try await store.secret(named: "k") { "two" }
            #expect(first == "one" && second == "one")
        }
    }
}

extension Database.Engine: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}
