/// Hands out the even ports of `sip.rtp_ports` to calls (RFC 3550 §11: RTP
/// on an even port, RTCP on the next odd one), round robin so a port just
/// freed is not reused at once for a new call (late packets of the old call).
struct RTPPortPool {
    let range: ClosedRange<Int>
    private var inUse: Set<Int> = []
    private var next: Int

    init(range: ClosedRange<Int>) {
        self.range = range
        self.next = range.lowerBound + range.lowerBound % 2
    }

    /// Ports to try for a new call, in order; port 0 means "any" (tests).
    mutating func candidates(count: Int = 16) -> [Int] {
        if range.lowerBound == 0 { return [0] }
        var result: [Int] = []
        let evens = max(1, (range.upperBound - range.lowerBound) / 2 + 1)
        var tries = 0
        while result.count < count && tries < evens {
            if next > range.upperBound { next = range.lowerBound + range.lowerBound % 2 }
            if !inUse.contains(next) { result.append(next) }
            next += 2
            tries += 1
        }
        return result
    }

    mutating func taken(_ port: Int) { inUse.insert(port) }
    mutating func released(_ port: Int) { inUse.remove(port) }
    var count: Int { inUse.count }
}
