/// Which media loop each room's router lives on. A room is placed once, on
/// the loop with the fewest open transports (ties: fewer rooms, then the
/// lower index), and stays there until its router closes: every packet of
/// the room is handled on that loop, with no lock and no hop between loops.
struct MediaPlacement {
    /// Loop index by router (room) id.
    private(set) var loopByRouter: [String: Int] = [:]
    /// Rooms per loop.
    private(set) var routersPerLoop: [Int]

    init(loops: Int) {
        precondition(loops > 0, "a media node needs at least one loop")
        routersPerLoop = Array(repeating: 0, count: loops)
    }

    /// The loop of `routerID`, placing it now if it has none;
    /// `transports[i]` is loop i's open transports.
    mutating func loop(for routerID: String, transports: [Int]) -> Int {
        if let placed = loopByRouter[routerID] { return placed }
        let chosen = routersPerLoop.indices.min { a, b in
            let ta = a < transports.count ? transports[a] : 0
            let tb = b < transports.count ? transports[b] : 0
            return (ta, routersPerLoop[a], a) < (tb, routersPerLoop[b], b)
        }!
        loopByRouter[routerID] = chosen
        routersPerLoop[chosen] += 1
        return chosen
    }

    /// The loop of `routerID` if it has been placed.
    func placedLoop(of routerID: String) -> Int? { loopByRouter[routerID] }

    /// The router closed: its loop may take other rooms.
    mutating func release(_ routerID: String) {
        guard let loop = loopByRouter.removeValue(forKey: routerID) else { return }
        routersPerLoop[loop] -= 1
    }
}
