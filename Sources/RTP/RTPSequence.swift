/// Wrap-around comparison of RTP sequence numbers and timestamps (RFC 3550
/// App. A.1: modular arithmetic, a value is newer if it lies less than half the
/// number space ahead).
///
/// At exactly half the space apart the larger raw value counts as newer, so that
/// for any two distinct values exactly one is newer than the other.
public enum RTPSequence {
    /// Whether sequence number `a` comes after `b` (false when equal).
    @inline(__always)
    public static func isNewer(_ a: UInt16, than b: UInt16) -> Bool {
        let forward = a &- b
        return forward == 0x8000 ? a > b : forward != 0 && forward < 0x8000
    }

    /// Whether timestamp `a` comes after `b` (false when equal).
    @inline(__always)
    public static func isNewer(_ a: UInt32, than b: UInt32) -> Bool {
        let forward = a &- b
        return forward == 0x8000_0000 ? a > b : forward != 0 && forward < 0x8000_0000
    }

    /// The signed distance from `b` to `a` (positive when `a` is newer).
    @inline(__always)
    public static func distance(from b: UInt16, to a: UInt16) -> Int {
        let forward = Int(a &- b)
        return isNewer(a, than: b) || a == b ? forward : forward - 0x1_0000
    }

    /// The signed distance from `b` to `a` (positive when `a` is newer).
    @inline(__always)
    public static func distance(from b: UInt32, to a: UInt32) -> Int64 {
        let forward = Int64(a &- b)
        return isNewer(a, than: b) || a == b ? forward : forward - 0x1_0000_0000
    }
}

/// Whether sequence number `a` comes after `b` modulo 2^16 (RFC 3550 App. A.1).
@inline(__always)
public func isNewer(_ a: UInt16, than b: UInt16) -> Bool {
    RTPSequence.isNewer(a, than: b)
}

/// Whether timestamp `a` comes after `b` modulo 2^32.
@inline(__always)
public func isNewer(_ a: UInt32, than b: UInt32) -> Bool {
    RTPSequence.isNewer(a, than: b)
}
