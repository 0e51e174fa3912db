import Testing
@testable import SFU

/// Rooms go to the media loop with the fewest open transports and stay
/// there until it is full; then their new transports spill to a lighter loop.
@Suite("Media placement")
struct MediaPlacementTests {
    @Test("a new room goes to the loop with the fewest transports; ties go to fewer rooms, then the lower index")
    func leastLoaded() {
        var placement = MediaPlacement(loops: 3)
        #expect(placement.loop(for: "a", transports: [4, 1, 1]) == 1)
        #expect(placement.loop(for: "b", transports: [4, 1, 1]) == 2, "loop 1 already has a room")
        #expect(placement.loop(for: "c", transports: [0, 0, 0]) == 0)
        #expect(placement.routersPerLoop == [1, 1, 1])
    }

    @Test("a placed room stays on its loop whatever the load, until it is released")
    func sticky() {
        var placement = MediaPlacement(loops: 2)
        #expect(placement.loop(for: "room", transports: [0, 0]) == 0)
        #expect(placement.loop(for: "room", transports: [50, 0]) == 0)
        #expect(placement.placedLoop(of: "room") == 0)
        placement.release("room")
        #expect(placement.placedLoop(of: "room") == nil)
        #expect(placement.routersPerLoop == [0, 0])
        #expect(placement.loop(for: "room", transports: [50, 0]) == 1)
        placement.release("never placed")
        #expect(placement.routersPerLoop == [0, 1])
    }

    @Test("transports placed but not yet open count on their loop: a burst of joins spreads as if it came one by one")
    func burstOfJoinsSpreads() {
        var placement = MediaPlacement(loops: 2)
        placement.capacity = 2
        // Four joins read the same loads (nothing open yet) before any opens.
        let idle = [Load(transports: 0), Load(transports: 0)]
        let loops = (0..<4).map { _ in placement.reserveTransport(in: "room", loads: idle) }
        #expect(loops == [0, 0, 1, 1])
        #expect(placement.pendingPerLoop == [2, 2])
        // Once open, the loops count them themselves.
        for loop in loops { placement.opened(on: loop) }
        #expect(placement.pendingPerLoop == [0, 0])
        #expect(placement.reserveTransport(in: "room", loads: [Load(transports: 2), Load(transports: 1)]) == 1)
        placement.opened(on: 1)
        placement.opened(on: 1)
        #expect(placement.pendingPerLoop == [0, 0], "a stray settle never goes below zero")
    }

    @Test("one loop takes every room")
    func oneLoop() {
        var placement = MediaPlacement(loops: 1)
        for i in 0..<5 { #expect(placement.loop(for: "r\(i)", transports: [i]) == 0) }
        #expect(placement.routersPerLoop == [5])
    }

    typealias Load = MediaPlacement.LoopLoad

    @Test("a room spills only when its home is full: by transport count, then onto the lightest loop")
    func spillByCount() {
        var placement = MediaPlacement(loops: 3)
        placement.capacity = 4
        #expect(placement.loop(forTransportIn: "big", loads: [Load(transports: 0), Load(transports: 1), Load(transports: 2)]) == 0)
        #expect(placement.loop(forTransportIn: "big", loads: [Load(transports: 3), Load(transports: 1), Load(transports: 2)]) == 0)
        #expect(placement.loops(of: "big") == [0])
        // Home full: the lightest loop, which becomes one of the room's loops.
        #expect(placement.loop(forTransportIn: "big", loads: [Load(transports: 4), Load(transports: 3), Load(transports: 2)]) == 2)
        #expect(placement.loops(of: "big") == [0, 2])
        // The room's own loop is preferred while it has room, even if another is lighter.
        #expect(placement.loop(forTransportIn: "big", loads: [Load(transports: 4), Load(transports: 0), Load(transports: 3)]) == 2)
        #expect(placement.loops(of: "big") == [0, 2])
        // Its own loops full: a third loop.
        #expect(placement.loop(forTransportIn: "big", loads: [Load(transports: 4), Load(transports: 0), Load(transports: 4)]) == 1)
        #expect(placement.loops(of: "big") == [0, 2, 1])
        #expect(placement.placedLoop(of: "big") == 0, "the home does not move")
        // Everything full: the home takes it.
        #expect(placement.loop(forTransportIn: "big", loads: [Load(transports: 9), Load(transports: 9), Load(transports: 9)]) == 0)
        placement.release("big")
        #expect(placement.loops(of: "big").isEmpty)
        #expect(placement.routersPerLoop == [0, 0, 0])
    }

    @Test("a full home spills onto an idle loop whose CPU reads a few thousandths more: that is noise, not load")
    func spillIgnoresCPUNoise() {
        var placement = MediaPlacement(loops: 2)
        placement.capacity = 4
        #expect(placement.loop(forTransportIn: "r", loads: [Load(transports: 0, busy: 0), Load(transports: 0, busy: 0.004)]) == 0)
        #expect(placement.loop(forTransportIn: "r", loads: [Load(transports: 4, busy: 0), Load(transports: 0, busy: 0.004)]) == 1)
        #expect(placement.loop(forTransportIn: "r", loads: [Load(transports: 4, busy: 0.03), Load(transports: 3, busy: 0.06)]) == 1)
        // A full second loop: the home takes it.
        #expect(placement.loop(forTransportIn: "r", loads: [Load(transports: 5, busy: 0.0), Load(transports: 4, busy: 0.06)]) == 0)
    }

    @Test("by CPU: a busy home spills onto a loop clearly less busy, never onto one nearly as busy")
    func spillByCPU() {
        var placement = MediaPlacement(loops: 2)
        #expect(placement.loop(forTransportIn: "r", loads: [Load(transports: 0), Load(transports: 5)]) == 0)
        #expect(placement.loop(forTransportIn: "r", loads: [Load(transports: 90, busy: 0.65), Load(transports: 5, busy: 0.1)]) == 0,
                "under 70% the room stays whole")
        #expect(placement.loop(forTransportIn: "r", loads: [Load(transports: 90, busy: 0.8), Load(transports: 80, busy: 0.65)]) == 0,
                "the other loop is not lighter by 20 points")
        #expect(placement.loop(forTransportIn: "r", loads: [Load(transports: 90, busy: 0.8), Load(transports: 80, busy: 0.5)]) == 1)
        #expect(placement.loops(of: "r") == [0, 1])
    }

    @Test("one loop never spills")
    func oneLoopNeverSpills() {
        var placement = MediaPlacement(loops: 1)
        placement.capacity = 1
        for _ in 0..<3 { #expect(placement.loop(forTransportIn: "r", loads: [Load(transports: 10, busy: 1)]) == 0) }
        #expect(placement.loops(of: "r") == [0])
    }
}
