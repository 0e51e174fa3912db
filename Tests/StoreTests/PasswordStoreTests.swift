import Foundation
import StoreTesting
import Testing
@testable import Store

@Suite("A new password ends the account's other sessions, on SQLite and PostgreSQL")
struct PasswordStoreTests {
    @Test("setPasswordHash keeps one session and ends the rest of that account only", arguments: TestDatabase.engines)
    func newPassword(engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { (store: Store) async throws in
            let ann = try await store.createUser(username: "ann", displayName: "Ann", passwordHash: "old")
            let bob = try await store.createUser(username: "bob", displayName: "Bob", passwordHash: "h")
            let now = Timestamp.now
            for (token, user) in [("here", ann.id), ("laptop", ann.id), ("phone", ann.id), ("bobs", bob.id)] {
                try await store.createSession(SessionRecord(tokenHash: token, userId: user, createdAt: now, expiresAt: now + 60_000))
            }
            try await store.setPasswordHash(userId: ann.id, passwordHash: "new", keepingSession: "here")
            #expect(try await store.user(id: ann.id)?.passwordHash == "new")
            #expect(try await store.sessionUser(tokenHash: "here")?.id == ann.id)
            #expect(try await store.sessionUser(tokenHash: "laptop") == nil)
            #expect(try await store.sessionUser(tokenHash: "phone") == nil)
            #expect(try await store.sessionUser(tokenHash: "bobs")?.id == bob.id)
            // Without a session to keep (an administrator's reset), every session ends.
            try await store.setPasswordHash(userId: ann.id, passwordHash: "newer", keepingSession: nil)
            #expect(try await store.sessionUser(tokenHash: "here") == nil)
        }
    }
}
