/// Which media loops each room's routers live on.
///
/// A room is placed once, on its *home* loop: the one with the fewest open
/// transports (ties: fewer rooms, then the lower index). Its transports go
/// there while the loop has room, so a room's packets stay on one loop with
/// no lock and no hop. A room bigger than one loop can carry *spills*: once
/// its loop is full (`capacity` transports, or `busyShare` of the CPU) and
/// another loop is clearly less loaded, new transports of the room go to
/// the room's least loaded other loop, and producers are piped between the
/// room's loops (`MediaNode+Pipes.swift`). A spilled room prefers loops it
/// is already on, so it needs as few pipes as it can.
struct MediaPlacement {
    /// A loop's load as placement reads it.
    struct LoopLoad: Equatable {
        /// Open transports.
        var transports: Int
        /// CPU share over the last second, 0...1.
        var busy: Double = 0
    }

    /// Transports a loop takes before its rooms spill (0: no limit by count).
    var capacity = 0
    /// CPU share past which a loop's rooms spill onto a loop at least
    /// `busyMargin` less busy.
    var busyShare = 0.7
    var busyMargin = 0.2

    /// Home loop by router (room) id.
    private(set) var loopByRouter: [String: Int] = [:]
    /// Every loop a room has transports on (its home first).
    private(set) var loopsByRouter: [String: [Int]] = [:]
    /// Rooms whose home is each loop.
    private(set) var routersPerLoop: [Int]
    /// Transports placed on each loop but not yet open there: a loop counts
    /// its transports only once its engine has made them, so without these a
    /// burst of joins would all read the same counts and land on one loop.
    private(set) var pendingPerLoop: [Int]

    init(loops: Int) {
        precondition(loops > 0, "a media node needs at least one loop")
        routersPerLoop = Array(repeating: 0, count: loops)
        pendingPerLoop = Array(repeating: 0, count: loops)
    }

    /// Places a new transport of `routerID` (`loop(forTransportIn:loads:)`)
    /// and counts it on that loop until `opened(on:)` says the loop counts
    /// it itself.
    mutating func reserveTransport(in routerID: String, loads: [LoopLoad]) -> Int {
        let loop = loop(forTransportIn: routerID, loads: loads)
        pendingPerLoop[loop] += 1
        return loop
    }

    /// A transport reserved on `loop` is open there (or failed to open).
    mutating func opened(on loop: Int) {
        pendingPerLoop[loop] = max(0, pendingPerLoop[loop] - 1)
    }

    /// The home loop of `routerID`, placing it now if it has none;
    /// `transports[i]` is loop i's open transports.
    mutating func loop(for routerID: String, transports: [Int]) -> Int {
        home(for: routerID, loads: transports.map { LoopLoad(transports: $0) })
    }

    /// The home loop of `routerID`, placing it now if it has none.
    mutating func home(for routerID: String, loads: [LoopLoad]) -> Int {
        if let placed = loopByRouter[routerID] { return placed }
        let chosen = routersPerLoop.indices.min { a, b in
            (transports(a, loads), routersPerLoop[a], a) < (transports(b, loads), routersPerLoop[b], b)
        }!
        loopByRouter[routerID] = chosen
        loopsByRouter[routerID] = [chosen]
        routersPerLoop[chosen] += 1
        return chosen
    }

    /// The loop for a new transport of `routerID`: its home while the home
    /// has room, else the least loaded loop (the room's own loops first).
    mutating func loop(forTransportIn routerID: String, loads: [LoopLoad]) -> Int {
        let home = home(for: routerID, loads: loads)
        guard routersPerLoop.count > 1, isFull(home, loads) else { return home }
        let roomLoops = loopsByRouter[routerID] ?? [home]
        // A loop of the room that still has room, else the least loaded loop
        // of all if it is clearly lighter than the home.
        if let own = roomLoops.filter({ $0 != home && !isFull($0, loads) }).min(by: { lighter($0, than: $1, loads) }) {
            return own
        }
        let lightest = routersPerLoop.indices.min { lighter($0, than: $1, loads) }!
        guard lightest != home, clearlyLighter(lightest, than: home, loads) else { return home }
        if !roomLoops.contains(lightest) { loopsByRouter[routerID, default: [home]].append(lightest) }
        return lightest
    }

    /// The home loop of `routerID` if it has been placed.
    func placedLoop(of routerID: String) -> Int? { loopByRouter[routerID] }

    /// Every loop `routerID` has transports on, its home first; empty if not placed.
    func loops(of routerID: String) -> [Int] { loopsByRouter[routerID] ?? [] }

    /// The router closed on every loop: its home may take other rooms.
    mutating func release(_ routerID: String) {
        loopsByRouter[routerID] = nil
        guard let loop = loopByRouter.removeValue(forKey: routerID) else { return }
        routersPerLoop[loop] -= 1
    }

    // MARK: - Load

    private func transports(_ loop: Int, _ loads: [LoopLoad]) -> Int {
        (loop < loads.count ? loads[loop].transports : 0) + pendingPerLoop[loop]
    }

    private func busy(_ loop: Int, _ loads: [LoopLoad]) -> Double {
        loop < loads.count ? loads[loop].busy : 0
    }

    private func isFull(_ loop: Int, _ loads: [LoopLoad]) -> Bool {
        (capacity > 0 && transports(loop, loads) >= capacity) || busy(loop, loads) >= busyShare
    }

    /// CPU shares compared in steps of a tenth: a few thousandths between
    /// two idle loops (one ticks a little longer, one handshake ran) are
    /// noise, and ranking by them sent every transport of a room back to a
    /// full home that happened to read 0.000 against its neighbour's 0.004.
    private func busyStep(_ loop: Int, _ loads: [LoopLoad]) -> Int { Int(busy(loop, loads) * 10) }

    private func lighter(_ a: Int, than b: Int, _ loads: [LoopLoad]) -> Bool {
        (busyStep(a, loads), transports(a, loads), a) < (busyStep(b, loads), transports(b, loads), b)
    }

    /// Worth spilling onto: under the capacity and clearly less busy.
    private func clearlyLighter(_ a: Int, than b: Int, _ loads: [LoopLoad]) -> Bool {
        guard !isFull(a, loads) else { return false }
        if busy(b, loads) >= busyShare { return busy(a, loads) <= busy(b, loads) - busyMargin }
        return transports(a, loads) < transports(b, loads)
    }
}
