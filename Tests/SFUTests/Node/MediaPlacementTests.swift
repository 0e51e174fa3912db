import Testing
@testable import SFU

/// Rooms go to the media loop with the fewest open transports and stay there.
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

    @Test("one loop takes every room")
    func oneLoop() {
        var placement = MediaPlacement(loops: 1)
        for i in 0..<5 { #expect(placement.loop(for: "r\(i)", transports: [i]) == 0) }
        #expect(placement.routersPerLoop == [5])
    }
}
