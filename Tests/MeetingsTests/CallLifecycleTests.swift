import Meetings
import Store
import StoreTesting
import Testing

@Suite("The ring lifecycle")
struct CallLifecycleTests {
    static func codes() -> (String, String) {
        ("abc-defg-\(String("hij".shuffled()))", String(Int.random(in: 1_000_000_000...9_999_999_999)))
    }

    static func friends(_ store: Store) async throws -> (UserRecord, UserRecord, UserRecord) {
        let ann = try await store.createUser(username: "ann", displayName: "Ann", passwordHash: "x")
        let ben = try await store.createUser(username: "ben", displayName: "Ben", passwordHash: "x")
        let cy = try await store.createUser(username: "cy", displayName: "Cy", passwordHash: "x")
        let request = try await store.createFriendRequest(from: ann.id, to: ben.id)
        _ = try await store.resolveFriendRequest(id: request.id, status: FriendRequestRecord.accepted)
        return (ann, ben, cy)
    }

    @Test("ring → accept once; a second answer is over; only the callee answers, only the caller cancels", arguments: TestDatabase.engines)
    func ringAndAnswer(_ engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let (ann, ben, cy) = try await Self.friends(store)
            let calls = CallLifecycle(store: store, ringSeconds: 30)
            await #expect(throws: CallError.cannotCallYourself) { try await calls.ring(from: ann, to: ann.id, codes: Self.codes) }
            await #expect(throws: CallError.notAFriend) { try await calls.ring(from: ann, to: cy.id, codes: Self.codes) }
            let (call, meeting, callee) = try await calls.ring(from: ann, to: ben.id, codes: Self.codes)
            #expect(call.status == .ringing)
            #expect(callee.id == ben.id)
            #expect(meeting.hostId == ann.id && meeting.kind == MeetingRecord.instant)
            await #expect(throws: CallError.notFound) { try await calls.call(id: call.id, for: cy.id) }
            await #expect(throws: CallError.notTheCallee) { try await calls.answer(call, by: ann.id, accept: true) }
            await #expect(throws: CallError.notTheCaller) { try await calls.cancel(call, by: ben.id) }
            let accepted = try await calls.answer(call, by: ben.id, accept: true)
            #expect(accepted.status == .accepted)
            await #expect(throws: CallError.over(.ringing)) { try await calls.answer(call, by: ben.id, accept: false) }
            #expect(try await calls.cancel(call, by: ann.id) == nil)
            #expect(try await calls.miss(callID: call.id) == nil)
            // The stored string is the one it always was.
            #expect(try await store.call(id: call.id)?.status.rawValue == "accepted")
        }
    }

    @Test("an unanswered call is missed after ringSeconds", arguments: TestDatabase.engines)
    func missed(_ engine: Database.Engine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let (ann, ben, _) = try await Self.friends(store)
            let calls = CallLifecycle(store: store, ringSeconds: 0)
            let (call, _, _) = try await calls.ring(from: ann, to: ben.id, codes: Self.codes)
            let missed = MissedBox()
            await calls.missUnanswered(callID: call.id) { await missed.set($0) }.value
            #expect(await missed.call?.status == .missed)
            #expect(try await store.call(id: call.id)?.status == .missed)
        }
    }

    actor MissedBox {
        var call: CallRecord?
        func set(_ call: CallRecord) { self.call = call }
    }
}
