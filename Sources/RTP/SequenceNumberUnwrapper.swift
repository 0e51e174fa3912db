/// Extends 16-bit RTP sequence numbers to a monotonic 64-bit count across
/// wrap-arounds (RFC 3550 App. A.1 keeps a cycle count for the same purpose).
///
/// Each value is placed at the distance from the previous value that is shortest
/// modulo 2^16 (`RTPSequence.distance`), so reordered and repeated packets map
/// to the right extended value as long as they are less than 32768 apart. The
/// first value maps to itself; an older packet arriving before any wrap maps to
/// a negative number.
public struct SequenceNumberUnwrapper: Sendable {
    private var last: Int64?

    public init() {}

    /// The extended value of `s`; remembers it as the reference for the next call.
    public mutating func unwrap(_ s: UInt16) -> Int64 {
        let value = peek(s)
        last = value
        return value
    }

    /// The extended value `s` would get, without changing the reference.
    public func peek(_ s: UInt16) -> Int64 {
        guard let last else { return Int64(s) }
        return last + Int64(RTPSequence.distance(from: UInt16(truncatingIfNeeded: last), to: s))
    }
}
